import { Global, Module, type DynamicModule } from '@nestjs/common';
import { loadConfig, type LoupeConfig } from './config';

/** Injection token for the validated configuration. */
export const LOUPE_CONFIG = Symbol('LOUPE_CONFIG');

@Global()
@Module({})
export class LoupeConfigModule {
  /** Provide an already-validated config (main.ts loads it before Nest boots). */
  static forRoot(config: LoupeConfig = loadConfig()): DynamicModule {
    return {
      module: LoupeConfigModule,
      providers: [{ provide: LOUPE_CONFIG, useValue: config }],
      exports: [LOUPE_CONFIG],
    };
  }
}
