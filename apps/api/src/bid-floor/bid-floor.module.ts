import { Module } from '@nestjs/common';
import { BidFloorController } from './bid-floor.controller';
import { BidFloorService } from './bid-floor.service';

/** Bid floors (the auction's reserve prices). */
@Module({ controllers: [BidFloorController], providers: [BidFloorService] })
export class BidFloorModule {}
