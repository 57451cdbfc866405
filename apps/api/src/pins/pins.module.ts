import { Module } from '@nestjs/common';

/** Pins and boards: /v5/pins. */
@Module({})
export class PinsModule {}
