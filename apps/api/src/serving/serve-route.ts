import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { serveBodySchema, type ServeResponse } from '@loupe/contracts';
import { LOUPE_CONFIG, type LoupeConfig } from '@loupe/server-core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ServiceKey } from '../auth/service-key';
import { mapError } from '../errors/error-mapper';
import { ServeService } from './serve.service';

export const SERVE_PATH = '/internal/serve';

/**
 * The ad server's hot path, answered by Fastify directly.
 *
 * `ServeController` declares the route and its contract (docs, OpenAPI, route catalog)
 * and Nest registers it as usual; when Fastify registers it, this hook swaps the
 * handler for one that applies the same contract without Nest's per-request pipeline
 * (guards, interceptor, router and exception-filter plumbing cost about as much CPU as
 * the auction itself, see docs/serving.md "Performance"): the same service-key check
 * (`ServiceKey`, as the AuthGuard), the same zod body schema, the same `ServeService`,
 * and errors through the same `mapError` as the exception filter. Bodies Fastify cannot
 * parse never reach it and are answered by the global error handler as everywhere else.
 */
@Injectable()
export class ServeRoute {
  private readonly logger = new Logger('Errors');
  private readonly serviceKey: ServiceKey;

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly serving: ServeService,
    @Inject(LOUPE_CONFIG) config: LoupeConfig,
  ) {
    this.serviceKey = new ServiceKey(config.serving.serviceKey);
    // Providers are built before Nest registers routes, so the hook sees the route's registration.
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onRoute', (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (route.url === SERVE_PATH && methods.includes('POST')) route.handler = this.handle;
    });
  }

  private readonly handle = async (request: FastifyRequest, reply: FastifyReply): Promise<ServeResponse | FastifyReply> => {
    try {
      this.serviceKey.verify(request.headers);
      return await this.serving.serve(serveBodySchema.parse(request.body));
    } catch (err) {
      const correlationId = String(request.id);
      const mapped = mapError(err, correlationId);
      if (mapped.unexpected) this.logger.error({ err, correlationId, method: request.method, url: request.url }, 'Unhandled error');
      return reply.status(mapped.status).headers(mapped.headers).send(mapped.body);
    }
  };
}
