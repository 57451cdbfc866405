import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CORRELATION_HEADER, correlationId, type LoupeConfig } from '@loupe/server-core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';

/** Largest request body accepted (bulk creates of 30 items fit with room to spare). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the API (and, when built, the web app on the same origin) without listening. */
export async function createApp(
  config: LoupeConfig,
  /** `shutdownSignals`: the signals that shut the app down gracefully (Nest's default: all of them). */
  options: { quiet?: boolean; shutdownSignals?: NodeJS.Signals[] } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => correlationId(req),
    trustProxy: false,
    // Signed tracking tokens (/t/i/<token>) are path parameters of several hundred characters.
    routerOptions: { maxParamLength: 4096 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: !options.quiet,
    logger: options.quiet ? false : undefined,
    abortOnError: false,
  });
  if (!options.quiet) app.useLogger(app.get(Logger));
  app.enableShutdownHooks(options.shutdownSignals);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(CORRELATION_HEADER, request.id);
    done();
  });

  const webRoot = resolve(config.web.distDir);
  if (existsSync(join(webRoot, 'index.html'))) {
    await fastify.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: ['index.html'] });
  }

  await app.init();
  await fastify.ready();
  return app;
}
