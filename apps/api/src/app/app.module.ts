import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClickHouseModule, DatabaseModule, LoupeConfigModule, RedisModule, correlationId, loggerOptions, type LoupeConfig } from '@loupe/server-core';
import { LoggerModule } from 'nestjs-pino';
import { AdAccountsModule } from '../ad-accounts/ad-accounts.module';
import { AdminModule } from '../admin/admin.module';
import { AdGroupsModule } from '../ad-groups/ad-groups.module';
import { AdsModule } from '../ads/ads.module';
import { AnalyticsModule } from '../analytics/analytics.module';
import { AudienceModule } from '../audience/audience.module';
import { BidFloorModule } from '../bid-floor/bid-floor.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { ConversionsModule } from '../conversions/conversions.module';
import { FinanceModule } from '../finance/finance.module';
import { OpenApiModule } from '../openapi/openapi.module';
import { PinsModule } from '../pins/pins.module';
import { ReportsModule } from '../reports/reports.module';
import { UserAccountModule } from '../user-account/user-account.module';
import { AuditModule } from '../audit/audit.module';
import { AuthGuard } from '../auth/auth.guard';
import { AuthModule } from '../auth/auth.module';
import { RateLimitGuard } from '../auth/rate-limit.guard';
import { ContractInterceptor } from '../common/contract.interceptor';
import { API_ENTITIES } from '../entities';
import { ApiExceptionFilter } from '../errors/exception.filter';
import { EventsModule } from '../events/events.module';
import { HealthModule } from '../health/health.module';
import { ServingChangesModule } from '../serving/serving-changes';
import { ServingModule } from '../serving/serving.module';
import { TrackingModule } from '../tracking/tracking.module';
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
          // The ad server's hot path: a per-request child logger costs a third of its CPU, and
          // thousands of serve lines a second would drown the log. Its failures are still logged
          // by the exception filter; its volume is a metric, not a log (docs/serving.md).
          // The impression beacon likewise (ImpressionRoute): its failures are logged, its volume is a metric.
          exclude: [
            { method: RequestMethod.POST, path: 'internal/serve' },
            { method: RequestMethod.GET, path: 't/i/*token' },
            { method: RequestMethod.HEAD, path: 't/i/*token' },
          ],
        }),
        DatabaseModule.forRoot(API_ENTITIES),
        RedisModule,
        ClickHouseModule,
        HealthModule,
        EventsModule,
        AuditModule,
        ServingChangesModule,
        AuthModule,
        AdAccountsModule,
        UserAccountModule,
        CampaignsModule,
        AdGroupsModule,
        AdsModule,
        PinsModule,
        AudienceModule,
        BidFloorModule,
        AnalyticsModule,
        ServingModule,
        DeliveryModule,
        TrackingModule,
        ConversionsModule,
        ReportsModule,
        FinanceModule,
        OpenApiModule,
        AdminModule,
        // Last, so its catch-all route never shadows an API route.
        WebAppModule.forRoot(config),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        // Order matters: authenticate (and resolve the ad-account role) before rate limiting by token.
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: ContractInterceptor },
      ],
    };
  }
}
