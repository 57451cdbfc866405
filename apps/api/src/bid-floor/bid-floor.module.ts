import { Module } from '@nestjs/common';

/** Bid floors (the auction's reserve prices). */
@Module({})
export class BidFloorModule {}
