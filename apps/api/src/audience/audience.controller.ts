import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { adAccountIdParamSchema, audienceSizingBodySchema, audienceSizingResponseSchema, type AudienceSizingBody, type AudienceSizingResponse } from '@loupe/contracts';
import { adAccount, Route } from '../common/route.decorator';
import { AudienceService } from './audience.service';

@Controller('v5/ad_accounts/:ad_account_id/ad_groups')
export class AudienceController {
  constructor(private readonly audience: AudienceService) {}

  @Post('audience_sizing')
  @HttpCode(200)
  @Route({
    summary: 'Get audience sizing',
    description:
      'Estimates how many people a targeting spec can reach in a month, as a range rounded to two significant digits. ' +
      'Targeting is validated exactly as for ad groups (unknown keys or values are a 400 naming them). Keywords (in `keywords` or `targeting_spec.KEYWORD`) narrow the SEARCH placement only, as in the auction. ' +
      'The estimate comes from a documented synthetic population (see docs/api.md, "Audience sizing"); audiences under 1,000 are reported as 0–1,000.',
    tag: 'ad_groups',
    access: adAccount('campaigns:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    body: audienceSizingBodySchema,
    response: audienceSizingResponseSchema,
  })
  size(@Body() body: AudienceSizingBody): AudienceSizingResponse {
    return this.audience.size(body);
  }
}
