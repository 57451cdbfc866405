import { Module } from '@nestjs/common';
import { OpenApiController } from './openapi.controller';
import { OpenApiService } from './openapi.service';

/** The OpenAPI document and interactive docs at /docs. */
@Module({ controllers: [OpenApiController], providers: [OpenApiService] })
export class OpenApiModule {}
