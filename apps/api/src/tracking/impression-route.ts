import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { trackingTokenParamSchema } from '@loupe/contracts';
import { CORRELATION_HEADER, correlationId } from '@loupe/server-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RawRoutes, sendRawError } from '../common/raw-routes';
import { mapError } from '../errors/error-mapper';
import { TRANSPARENT_GIF } from './tracking.controller';
import { TrackingService } from './tracking.service';

export const IMPRESSION_PATH = '/t/i/:token';

/**
 * The success answer's headers, in the order Fastify sent them (the correlation id from
 * the app's onRequest hook, then the handler's): one array, its id slot rewritten per
 * answer (`writeHead` copies it into the header block before it returns).
 */
const GIF_HEADERS: string[] = [CORRELATION_HEADER, '', 'cache-control', 'no-store', 'content-type', 'image/gif', 'content-length', String(TRANSPARENT_GIF.length)];

/**
 * The impression beacon (`GET /t/i/<token>` and its HEAD), answered outside Fastify's
 * and Nest's per-request pipelines, as `ServeRoute` answers the ad server's hot path.
 *
 * `TrackingController.impression` declares the route and its contract (docs, OpenAPI,
 * route catalog) and Nest registers it as usual. `RawRoutes` then takes it off the Node
 * server before Fastify sees it (no routing, no `@fastify/middie`, no reply pipeline:
 * docs/tracking.md), and swaps the Fastify handler (for `app.inject`) for one with the
 * same logic. Both apply the controller's contract: the route is public (the signed
 * token is the authorization) and not rate limited, so the guards have nothing to do
 * here; the same zod params schema; the same `TrackingService`; the client IP as Fastify
 * gives it with `trustProxy` off (the socket's remote address); 200 `image/gif` with
 * `Cache-Control: no-store` on success; errors as JSON through the same `mapError` as
 * the exception filter; the correlation id header on every answer. The request log
 * skips this path (app.module.ts) as it does the serve path: a beacon's volume is a
 * metric, its failures are still logged.
 */
@Injectable()
export class ImpressionRoute {
  private readonly logger = new Logger('Errors');

  constructor(
    rawRoutes: RawRoutes,
    private readonly tracking: TrackingService,
  ) {
    rawRoutes.add({ methods: ['GET', 'HEAD'], path: IMPRESSION_PATH, raw: this.handleRaw, fastify: this.handle });
  }

  private readonly handleRaw = (req: IncomingMessage, res: ServerResponse, param: string): void => {
    const id = correlationId(req);
    let answer: Promise<void> | undefined;
    try {
      const { token } = trackingTokenParamSchema.parse({ token: param });
      const nowMs = Date.now();
      // A HEAD (link checker, prefetch) checks the token but records nothing.
      if (req.method === 'HEAD') this.tracking.verify(token, nowMs);
      else answer = this.tracking.impression({ token, userAgent: req.headers['user-agent'], ip: req.socket.remoteAddress as string, nowMs });
    } catch (err) {
      sendRawError(res, req, id, err, this.logger);
      return;
    }
    if (answer === undefined) sendGif(res, id);
    else
      answer.then(
        () => sendGif(res, id),
        (err: unknown) => sendRawError(res, req, id, err, this.logger),
      );
  };

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

/** 200 with the GIF (Node sends no body to a HEAD, but the same length, as Fastify did). */
function sendGif(res: ServerResponse, id: string): void {
  if (res.destroyed) return;
  GIF_HEADERS[1] = id;
  res.writeHead(200, GIF_HEADERS);
  res.end(TRANSPARENT_GIF);
}
