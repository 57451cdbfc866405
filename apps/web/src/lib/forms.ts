import { type z } from 'zod';
import { ApiError } from './apiErrors';

export type FieldErrors = Partial<Record<string, string>>;

/** The first message per field of a failed zod parse, keyed by the dotted path ("ad_account.name"). */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_form';
    errors[key] ??= sentence(issue.message);
  }
  return errors;
}

/**
 * Puts an API error beside the field it names. The API's messages read
 * "Invalid parameters. budget_in_micro_currency: must be …"; when the named field is
 * on the form, the message goes there, otherwise to the form as a whole.
 */
export function apiFieldErrors(error: unknown, fields: readonly string[]): FieldErrors {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError && error.status === 400) {
    const named = fields
      .map((field) => ({ field, at: message.search(new RegExp(`(^|[\\s.])${field.replace(/\./g, '\\.')}(\\.\\d+)*:`)) }))
      .filter((f) => f.at >= 0)
      .sort((a, b) => a.at - b.at)[0];
    if (named) {
      const detail = message.slice(named.at).replace(/^[\s.]*[\w.]+:\s*/, '');
      return { [named.field]: sentence(detail) };
    }
  }
  return { _form: message };
}

function sentence(message: string): string {
  const trimmed = message.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
