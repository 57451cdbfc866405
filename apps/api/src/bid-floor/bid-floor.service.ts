import { Injectable } from '@nestjs/common';
import { isReserveCurrency, reservePrice } from '@loupe/auction';
import type { BidFloorBody, BidFloorResponse } from '@loupe/contracts';
import { InvalidParametersException } from '@loupe/server-core';
import type { AdAccountScope } from '../auth/request-context';

/**
 * Bid floors come straight from the auction's reserve prices (libs/auction
 * `reservePrice`), so the floor an advertiser reads here is the floor every auction
 * enforces — no second table to drift.
 */
@Injectable()
export class BidFloorService {
  floors(scope: AdAccountScope, body: BidFloorBody): BidFloorResponse {
    const bidFloors = body.bid_floor_specs.map((spec, index) => {
      // Pinterest prices each spec in the currency it names; Loupe lets it default to the account's.
      const currency = spec.currency ?? scope.currency;
      if (!isReserveCurrency(currency)) {
        throw new InvalidParametersException(`Invalid parameters. bid_floor_specs.${index}.currency: ${currency} has no bid floor; use one of Pinterest's ad account currencies.`);
      }
      return reservePrice({ placement: spec.placement_group, billableEvent: spec.billable_event, currency });
    });
    return { bid_floors: bidFloors, type: 'bidfloor' };
  }
}
