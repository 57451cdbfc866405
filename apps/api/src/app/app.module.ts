import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClickHouseModule, DatabaseModule, LoupeConfigModule, RedisModule, correlationId, loggerOptions, type LoupeConfig } from '@loupe/server-core';
import { LoggerModule } from 'nestjs-pino';
import { API_ENTITIES } from '../entities';
import { ApiExceptionFilter } from '../errors/exception.filter';
import { HealthModule } from '../health/health.module';
import { WebAppModule } from '../web/web-app.module';

@Module({})
export class AppModule {
  static forRoot(config: LoupeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoupeConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            ...loggerOptions(config, 'api'),
            // The Fastify adapter already assigned the correlation id to the request.
            genReqId: (req) => (req as { id?: string }).id ?? correlationId(req),
            customProps: (req) => ({ correlationId: (req as { id?: string }).id }),
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
        }),
        DatabaseModule.forRoot(API_ENTITIES),
        RedisModule,
        ClickHouseModule,
        HealthModule,
        // Last, so its catch-all route never shadows an API route.
        WebAppModule.forRoot(config),
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
