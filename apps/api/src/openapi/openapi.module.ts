import { Module } from '@nestjs/common';

/** The OpenAPI document and interactive docs at /docs. */
@Module({})
export class OpenApiModule {}
