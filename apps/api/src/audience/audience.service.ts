import { Injectable } from '@nestjs/common';
import { estimateAudience } from '@loupe/auction';
import { targetingAudience, type AudienceSizingBody, type AudienceSizingResponse } from '@loupe/contracts';
import { toAudienceRule } from './audience-rule';
import { SYNTHETIC_POPULATION } from './synthetic-population';

/**
 * Audience sizing: the monthly reach of a targeting spec, estimated from the synthetic
 * population (docs/api.md) until the simulator provides the simulated one. The spec is
 * read exactly as the auction reads it (targetingAudience → AudienceRule).
 */
@Injectable()
export class AudienceService {
  size(body: AudienceSizingBody): AudienceSizingResponse {
    const rule = toAudienceRule(targetingAudience(body.targeting_spec ?? {}), body.keywords ?? []);
    const { lowerBound, upperBound } = estimateAudience(SYNTHETIC_POPULATION, rule, body.placement_group);
    return { audience_size_lower_bound: lowerBound, audience_size_upper_bound: upperBound };
  }
}
