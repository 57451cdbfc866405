import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import {
  adAccountIdParamSchema,
  conversionApiResponseSchema,
  conversionEventsBodySchema,
  conversionEventsQuerySchema,
  type ConversionApiResponse,
  type ConversionEventsBody,
  type ConversionEventsQuery,
} from '@loupe/contracts';
import { CurrentAdAccount, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { ConversionsService } from './conversions.service';

@Controller('v5/ad_accounts/:ad_account_id/events')
export class ConversionsController {
  constructor(private readonly conversions: ConversionsService) {}

  @Post()
  @HttpCode(200)
  @Route({
    summary: 'Send conversions',
    description:
      "Pinterest's conversions API: 1 to 1,000 events in `data`, each validated on its own (a bad event fails alone with `error_message`). " +
      'event_time must be within the last 7 days and not in the future; every hash in user_data (em, ph, external_id, hashed_maids, ...) must be a SHA-256 hex digest (plain-text emails are refused); ' +
      "custom_data.value is a decimal string (at most 6 decimals), custom_data.currency an ISO 4217 code (default: the ad account's). " +
      'Resends with the same event_id count once. `?test=true` validates and answers as usual but stores nothing. ' +
      'The answer is sent once the events are durable (503 when they cannot be stored: retry). When no event is valid the answer is 400 naming each problem.',
    tag: 'conversions',
    access: adAccount('conversions:write'),
    rate: 'write',
    params: adAccountIdParamSchema,
    query: conversionEventsQuerySchema,
    body: conversionEventsBodySchema,
    response: conversionApiResponseSchema,
  })
  send(@CurrentAdAccount() scope: AdAccountScope, @Query() query: ConversionEventsQuery, @Body() body: ConversionEventsBody): Promise<ConversionApiResponse> {
    return this.conversions.send(scope, body.data, query.test, Date.now());
  }
}
