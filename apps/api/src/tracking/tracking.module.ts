import { Module } from '@nestjs/common';
import { AdLookup } from './ad-lookup';
import { ImpressionRoute } from './impression-route';
import { TrackingController } from './tracking.controller';
import { TrackingService } from './tracking.service';

/** Signed impression, click and engagement URLs (docs/tracking.md). */
@Module({ controllers: [TrackingController], providers: [TrackingService, AdLookup, ImpressionRoute] })
export class TrackingModule {}
