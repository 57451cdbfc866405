import { Module } from '@nestjs/common';
import { PinsController } from './pins.controller';
import { PinsService } from './pins.service';

/** Pins and boards: /v5/pins. The ads domain uses PinsService to check the pins it promotes. */
@Module({ controllers: [PinsController], providers: [PinsService], exports: [PinsService] })
export class PinsModule {}
