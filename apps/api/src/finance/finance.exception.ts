import { ErrorCode } from '@loupe/contracts';
import { DomainException } from '@loupe/server-core';

/** A month that has not ended in the account's timezone cannot be closed (409). */
export class PeriodNotEndedException extends DomainException {
  constructor(period: string, timezone: string, endsAt: Date) {
    super(ErrorCode.Conflict, `Period ${period} has not ended in the ad account's timezone ${timezone}; it can be closed from ${endsAt.toISOString()}.`);
  }
}
