import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ServeResponse } from '@loupe/contracts';
import { LOUPE_CONFIG, correlationId, type LoupeConfig } from '@loupe/server-core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceKey } from '../auth/service-key';
import { RawRoutes, sendRawError, sendRawJson } from '../common/raw-routes';
import { mapError } from '../errors/error-mapper';
import { parseServeBody } from './serve-body';
import { ServeService, type ServeAnswerJson } from './serve.service';

export const SERVE_PATH = '/internal/serve';
const NO_HEADERS: Record<string, string> = {};

/** Fastify's own error codes for bodies it cannot take, so `mapError` words them as everywhere else. */
const bodyError = (code: string, statusCode: number): Error => Object.assign(new Error(code), { code, statusCode });

/**
 * The ad server's hot path, answered outside Nest's and Fastify's per-request pipelines.
 *
 * `ServeController` declares the route and its contract (docs, OpenAPI, route catalog)
 * and Nest registers it as usual. This provider then answers it through `RawRoutes`
 * with the same contract and none of the per-request machinery (docs/serving.md
 * "Performance"): the same service-key check (`ServiceKey`, as the AuthGuard), the same
 * zod body schema (`parseServeBody`: a fast path for plainly valid bodies, checked
 * against it), the same `ServeService`, errors through the same `mapError` as the
 * exception filter, the same correlation id header, the same body limit.
 *
 * - `POST /internal/serve` is taken off the Node HTTP server before Fastify sees it:
 *   Fastify's routing, Nest's hooks and middleware engine (`@fastify/middie`, run for
 *   every request even where the logger middleware is excluded), its content-type
 *   parser and reply pipeline together cost more CPU than the auction itself.
 * - Requests that reach Fastify without passing through the server (`app.inject`) find
 *   the Fastify route, whose handler `RawRoutes` swaps for `handle` (same logic).
 */
@Injectable()
export class ServeRoute {
  private readonly logger = new Logger('Errors');
  private readonly serviceKey: ServiceKey;
  private readonly bodyLimit: number;

  constructor(
    adapterHost: HttpAdapterHost,
    rawRoutes: RawRoutes,
    private readonly serving: ServeService,
    @Inject(LOUPE_CONFIG) config: LoupeConfig,
  ) {
    this.serviceKey = new ServiceKey(config.serving.serviceKey);
    this.bodyLimit = adapterHost.httpAdapter?.getInstance<FastifyInstance>()?.initialConfig.bodyLimit ?? 1024 * 1024;
    rawRoutes.add({ methods: ['POST'], path: SERVE_PATH, raw: (req, res) => this.handleRaw(req, res), fastify: this.handle });
  }

  private handleRaw(req: IncomingMessage, res: ServerResponse): void {
    const id = correlationId(req);
    let failure: Error | null = null;
    const type = req.headers['content-type'];
    const json = type !== undefined && /^\s*application\/json\s*(;|$)/i.test(type);
    const declared = req.headers['content-length'];
    // As on every other route (Fastify checks the length before any handler): 413 comes before 401.
    if (declared !== undefined && Number(declared) > this.bodyLimit) failure = bodyError('FST_ERR_CTP_BODY_TOO_LARGE', 413);
    if (!failure) {
      try {
        this.serviceKey.verify(req.headers);
      } catch (err) {
        failure = err as Error;
      }
    }
    if (failure) {
      // Answer without reading a body that will not be used; the connection closes after it.
      req.resume();
      sendRawError(res, req, id, failure, this.logger, true);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= this.bodyLimit) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size > this.bodyLimit) return sendRawError(res, req, id, bodyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), this.logger, true);
      let body: unknown = undefined;
      if (size > 0 || json) {
        if (!json) return sendRawError(res, req, id, bodyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), this.logger);
        if (size === 0) return sendRawError(res, req, id, bodyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400), this.logger);
        try {
          body = JSON.parse(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8'));
        } catch {
          return sendRawError(res, req, id, bodyError('FST_ERR_CTP_INVALID_JSON_BODY', 400), this.logger);
        }
      }
      let served: ServeAnswerJson | Promise<ServeAnswerJson>;
      try {
        // The strict schema refuses unknown keys (a `__proto__` key included) and builds fresh objects.
        served = this.serving.serveJson(parseServeBody(body));
      } catch (err) {
        return sendRawError(res, req, id, err, this.logger);
      }
      // Answered in this turn when no winner needed Redis (ServeService.place).
      if (!(served instanceof Promise)) return sendRawJson(res, id, 200, served.json, false, NO_HEADERS, served.bytes);
      served.then(
        (answer) => sendRawJson(res, id, 200, answer.json, false, NO_HEADERS, answer.bytes),
        (err: unknown) => sendRawError(res, req, id, err, this.logger),
      );
    });
  }

  private readonly handle = async (request: FastifyRequest, reply: FastifyReply): Promise<ServeResponse | FastifyReply> => {
    try {
      this.serviceKey.verify(request.headers);
      return await this.serving.serve(parseServeBody(request.body));
    } catch (err) {
      const correlationId = String(request.id);
      const mapped = mapError(err, correlationId);
      if (mapped.unexpected) this.logger.error({ err, correlationId, method: request.method, url: request.url }, 'Unhandled error');
      return reply.status(mapped.status).headers(mapped.headers).send(mapped.body);
    }
  };
}
