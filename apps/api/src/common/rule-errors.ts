import { InvalidParametersException } from '@loupe/server-core';

/**
 * A business-rule violation on one field, worded like a validation error
 * ("Invalid parameters. <field>: <what to fix>") so clients read both the same way.
 */
export function invalidField(field: string, message: string): InvalidParametersException {
  return new InvalidParametersException(`Invalid parameters. ${field}: ${message}`);
}

/** A unix time as a person reads it in an error message: ISO 8601 UTC plus the number sent. */
export function describeTime(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z')} (${unixSeconds})`;
}
