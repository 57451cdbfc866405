import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { trackingTokenParamSchema } from '@loupe/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { mapError } from '../errors/error-mapper';
import { TRANSPARENT_GIF } from './tracking.controller';
import { TrackingService } from './tracking.service';

export const IMPRESSION_PATH = '/t/i/:token';

/**
 * The impression beacon (`GET /t/i/<token>`), answered by Fastify directly, as
 * `ServeRoute` answers the ad server's hot path.
 *
 * `TrackingController.impression` declares the route and its contract (docs, OpenAPI,
 * route catalog) and Nest registers it as usual; when Fastify registers it (and its
 * HEAD twin), this hook swaps the handler for one applying the same contract without
 * Nest's per-request pipeline (guards, interceptor, router and exception-filter
 * plumbing cost more CPU than the beacon's own work, see docs/pipeline.md
 * "Benchmark"): the route is public (the signed token is the authorization) and not
 * rate limited, so the guards have nothing to do here; the same zod params schema;
 * the same `TrackingService`; errors through the same `mapError` as the exception
 * filter. The request log is skipped for this path (app.module.ts) as for the serve
 * path: a beacon's volume is a metric, its failures are still logged.
 */
@Injectable()
export class ImpressionRoute {
  private readonly logger = new Logger('Errors');

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly tracking: TrackingService,
  ) {
    // Providers are built before Nest registers routes, so the hook sees the route's registration.
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onRoute', (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (route.url === IMPRESSION_PATH && (methods.includes('GET') || methods.includes('HEAD'))) route.handler = this.handle;
    });
  }

  private readonly handle = async (request: FastifyRequest, reply: FastifyReply): Promise<Buffer | FastifyReply> => {
    try {
      const { token } = trackingTokenParamSchema.parse(request.params);
      const nowMs = Date.now();
      // A HEAD (link checker, prefetch) checks the token but records nothing.
      if (request.method === 'HEAD') this.tracking.verify(token, nowMs);
      else await this.tracking.impression({ token, userAgent: request.headers['user-agent'], ip: request.ip, nowMs });
      // Set only on success: an error answer stays JSON (as the controller's @Header does).
      void reply.header('Cache-Control', 'no-store').header('Content-Type', 'image/gif');
      return TRANSPARENT_GIF;
    } catch (err) {
      const correlationId = String(request.id);
      const mapped = mapError(err, correlationId);
      if (mapped.unexpected) this.logger.error({ err, correlationId, method: request.method, url: request.url }, 'Unhandled error');
      return reply.status(mapped.status).headers(mapped.headers).send(mapped.body);
    }
  };
}
