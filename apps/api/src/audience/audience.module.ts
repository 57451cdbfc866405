import { Module } from '@nestjs/common';

/** Audience sizing for targeting specs. */
@Module({})
export class AudienceModule {}
