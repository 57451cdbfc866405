import { Module } from '@nestjs/common';
import { ConversionsController } from './conversions.controller';
import { ConversionsService } from './conversions.service';

/** Pinterest's conversions API (docs/tracking.md). */
@Module({ controllers: [ConversionsController], providers: [ConversionsService] })
export class ConversionsModule {}
