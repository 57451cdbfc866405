import { Module } from '@nestjs/common';
import { RawRoutesModule } from '../common/raw-routes';
import { AdLookup } from './ad-lookup';
import { ImpressionRoute } from './impression-route';
import { TrackingController } from './tracking.controller';
import { TrackingService } from './tracking.service';

/** Signed impression, click and engagement URLs (docs/tracking.md). */
@Module({ imports: [RawRoutesModule], controllers: [TrackingController], providers: [TrackingService, AdLookup, ImpressionRoute] })
export class TrackingModule {}
