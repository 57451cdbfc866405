import { Global, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions, type EntitySchema } from 'typeorm';
import type { LoupeConfig } from '../config/config';
import { LOUPE_CONFIG } from '../config/config.module';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityClass = Function | EntitySchema;

/** TypeORM options shared by the apps, the migration script and tests. */
export function postgresOptions(config: Pick<LoupeConfig, 'postgres' | 'health'>, entities: EntityClass[] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.postgres.url,
    entities,
    synchronize: false,
    migrationsRun: false,
    // Money columns are bigint: keep them as strings (never floats) in TypeScript.
    parseInt8: false,
    extra: { max: 10, connectionTimeoutMillis: config.health.timeoutMs * 2 },
  } as DataSourceOptions;
}

/**
 * Postgres through TypeORM. The connection is opened after boot and retried in the
 * background, so the API starts (and /health reports postgres down) while the
 * database is unreachable instead of crash-looping.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(entities: EntityClass[]): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [LOUPE_CONFIG],
          // autoLoadEntities: each domain module registers its own entities with TypeOrmModule.forFeature.
          useFactory: (config: LoupeConfig) => ({ ...postgresOptions(config, entities), manualInitialization: true, autoLoadEntities: true }),
        }),
      ],
      providers: [DatabaseConnector],
      exports: [TypeOrmModule, DatabaseConnector],
    };
  }
}

@Injectable()
export class DatabaseConnector implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    void this.ensureConnected().catch((err: unknown) => {
      this.logger.error(`Postgres unreachable at boot, retrying in the background: ${String(err)}`);
      this.scheduleRetry();
    });
  }

  /** Resolves once the pool is initialised; rejects if Postgres cannot be reached now. */
  ensureConnected(): Promise<void> {
    if (this.dataSource.isInitialized) return Promise.resolve();
    this.connecting ??= this.dataSource
      .initialize()
      .then(() => undefined)
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retry);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private scheduleRetry(): void {
    this.retry = setTimeout(() => {
      this.ensureConnected().then(
        () => this.logger.log('Postgres connected'),
        () => this.scheduleRetry(),
      );
    }, 5_000);
    this.retry.unref();
  }
}
