import { Injectable } from '@nestjs/common';
import {
  CONVERSION_TYPE_BY_EVENT_NAME,
  conversionEventSchema,
  decimalToMicros,
  type AdEvent,
  type ConversionApiResponse,
  type ConversionEvent,
  type ConversionEventResult,
} from '@loupe/contracts';
import { InvalidParametersException } from '@loupe/server-core';
import type { ZodError } from 'zod';
import type { AdAccountScope } from '../auth/request-context';
import { EventPublisher } from '../events/event-publisher';

/** Pinterest accepts events up to 7 days old. */
export const MAX_EVENT_AGE_SECONDS = 7 * 24 * 3600;
/** Clocks differ a little between the advertiser's servers and Loupe; more than this ahead is "in the future". */
export const FUTURE_SKEW_SECONDS = 60;

type Outcome = { ok: true; event: AdEvent; warning: string | null } | { ok: false; error: string };

/**
 * Pinterest's conversions API: each event validated on its own (a bad event fails alone
 * with its message), each valid one becomes one CONVERSION AdEvent with the
 * deterministic id `v:<ad account>:<event_id>` (so a resend counts once), published
 * durably before the answer. `test` validates and stores nothing.
 */
@Injectable()
export class ConversionsService {
  constructor(private readonly publisher: EventPublisher) {}

  async send(scope: AdAccountScope, items: readonly unknown[], test: boolean, nowMs: number): Promise<ConversionApiResponse> {
    const seen = new Set<string>();
    const outcomes = items.map((item) => this.validate(scope, item, nowMs, seen));
    const events = outcomes.flatMap((o) => (o.ok ? [o.event] : []));
    if (events.length === 0) {
      // Nothing to store: Pinterest's "The request was invalid", naming each event's problem.
      const reasons = outcomes.map((o, i) => (o.ok ? '' : `data.${i}: ${o.error}`)).filter(Boolean);
      throw new InvalidParametersException(`No event was processed. ${reasons.slice(0, 10).join(' | ')}${reasons.length > 10 ? ` | and ${reasons.length - 10} more` : ''}`);
    }
    if (!test) await this.publisher.publish(events);
    const results: ConversionEventResult[] = outcomes.map((o) =>
      o.ok ? { status: 'processed', error_message: null, warning_message: o.warning } : { status: 'failed', error_message: o.error, warning_message: null },
    );
    return { num_events_received: items.length, num_events_processed: events.length, events: results };
  }

  private validate(scope: AdAccountScope, item: unknown, nowMs: number, seen: Set<string>): Outcome {
    const parsed = conversionEventSchema.safeParse(item);
    if (!parsed.success) return { ok: false, error: describe(parsed.error) };
    const event = parsed.data;
    const nowSeconds = Math.floor(nowMs / 1000);
    if (event.event_time > nowSeconds + FUTURE_SKEW_SECONDS) return { ok: false, error: 'event_time: must not be in the future.' };
    if (nowSeconds - event.event_time > MAX_EVENT_AGE_SECONDS) return { ok: false, error: 'event_time: must be within the last 7 days.' };
    const warnings: string[] = [];
    if (seen.has(event.event_id)) warnings.push('event_id repeats an earlier event of this request; it is counted once.');
    seen.add(event.event_id);
    const userId = userKey(event);
    const clickId = event.user_data.click_id ?? '';
    if (!clickId && !userId) warnings.push('no click_id, em or external_id: this conversion cannot be attributed to an ad.');
    return { ok: true, event: toAdEvent(scope, event, userId, clickId), warning: warnings.length ? warnings.join(' ') : null };
  }
}

/** The hashed user key attribution matches on: the first em, else the first external_id, else ''. */
function userKey(event: ConversionEvent): string {
  return (event.user_data.em?.[0] ?? event.user_data.external_id?.[0] ?? '').toLowerCase();
}

function toAdEvent(scope: AdAccountScope, event: ConversionEvent, userId: string, clickId: string): AdEvent {
  const value = event.custom_data?.value;
  return {
    event_id: `v:${scope.id}:${event.event_id}`,
    event_type: 'CONVERSION',
    engagement_type: '',
    event_time_ms: event.event_time * 1000,
    ad_account_id: scope.id,
    campaign_id: '0',
    ad_group_id: '0',
    ad_id: '0',
    pin_id: '0',
    auction_id: '',
    slot: 0,
    placement: '',
    user_id: userId,
    click_id: clickId,
    price_micros: 0,
    value_micros: value === undefined ? 0 : decimalToMicros(value),
    // Pinterest defaults the currency to the ad account's.
    currency: event.custom_data?.currency ?? scope.currency,
    conversion_type: CONVERSION_TYPE_BY_EVENT_NAME[event.event_name],
    ivt: false,
    ivt_reason: '',
    age_bucket: '',
    gender: '',
    location: '',
    device: '',
    locale: '',
    interest: '',
  };
}

/** Up to three problems of one event, each with its field path. */
function describe(error: ZodError): string {
  const parts = error.issues.slice(0, 3).map((issue) => `${issue.path.length ? issue.path.join('.') : 'event'}: ${issue.message}`);
  return `${parts.join('; ')}${error.issues.length > 3 ? `; and ${error.issues.length - 3} more` : ''}.`;
}
