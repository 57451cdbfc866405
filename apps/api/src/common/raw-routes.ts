import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, Module, type LoggerService } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CORRELATION_HEADER } from '@loupe/server-core';
import type { FastifyInstance, RouteHandlerMethod, RouteOptions } from 'fastify';
import { mapError } from '../errors/error-mapper';

/** Answers a request taken off the Node server; `param` is the path's trailing parameter ('' for a static path). */
export type RawHandler = (req: IncomingMessage, res: ServerResponse, param: string) => void;

/** One hot route answered outside Fastify's and Nest's per-request pipelines (docs/serving.md "Performance"). */
export interface RawRoute {
  /** The methods Fastify registers the route under (list 'HEAD' too for the HEAD twin Fastify exposes for a GET). */
  methods: readonly string[];
  /** Fastify's path of the route: static (`/internal/serve`) or static with one trailing parameter (`/t/i/:token`). */
  path: string;
  /** Answers the requests the Node server receives. */
  raw: RawHandler;
  /** Replaces the route's Fastify handler: requests that reach Fastify without the server (`app.inject`). */
  fastify: RouteHandlerMethod;
}

interface Compiled {
  route: RawRoute;
  /** The path up to the parameter (the whole path when static). */
  prefix: string;
  param: boolean;
}

/** Fastify's default, when the router options do not say. */
const DEFAULT_MAX_PARAM_LENGTH = 100;

/**
 * The registry of raw routes, installed once on the API's Node server.
 *
 * Controllers still declare these routes (docs, OpenAPI, route catalog) and Nest still
 * registers them with Fastify. This registry then
 *
 * - wraps the server's `request` listeners (Fastify's) so that a request whose method
 *   and path match a raw route is answered by its `raw` handler before Fastify sees it:
 *   no routing, no Nest hooks, no `@fastify/middie` middleware engine (which runs for
 *   every request, even where the logger middleware is excluded), no reply pipeline;
 * - swaps the Fastify handler of each raw route for its `fastify` handler when Fastify
 *   registers it, so `app.inject` (which never passes through the server) answers the
 *   same.
 *
 * Only requests Fastify's router would hand to the route unchanged are taken: the path
 * must match exactly (case-sensitive), a query string is ignored, and a parameter must
 * contain no `/`, `%` (Fastify decodes it) or `#` and be at most the router's
 * `maxParamLength` characters. Anything else (and every request once the app is
 * closing, when Fastify answers 503) goes to Fastify as before, which answers it with
 * its own rules, so the edge cases keep Fastify's answers.
 */
@Injectable()
export class RawRoutes {
  private readonly byMethod = new Map<string, Compiled[]>();
  private readonly maxParamLength: number;
  private closing = false;

  constructor(adapterHost: HttpAdapterHost) {
    // Providers are built before Nest registers routes, so the hook sees every registration.
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    const config = fastify?.initialConfig as { routerOptions?: { maxParamLength?: number }; maxParamLength?: number } | undefined;
    this.maxParamLength = config?.routerOptions?.maxParamLength ?? config?.maxParamLength ?? DEFAULT_MAX_PARAM_LENGTH;
    if (!fastify) return;
    fastify.addHook('onRoute', (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        const raw = this.byMethod.get(method)?.find((c) => c.route.path === route.url);
        if (raw) route.handler = raw.route.fastify;
      }
    });
    fastify.addHook('preClose', (done) => {
      this.closing = true;
      done();
    });
    if (fastify.server) this.install(fastify.server as Server);
  }

  /** Registers a route; call it from a provider's constructor (before Nest registers the routes). */
  add(route: RawRoute): void {
    const colon = route.path.indexOf(':');
    if (colon !== -1 && (route.path[colon - 1] !== '/' || route.path.indexOf('/', colon) !== -1)) {
      throw new Error(`raw route ${route.path}: only static paths or one trailing parameter`);
    }
    const compiled: Compiled = { route, prefix: colon === -1 ? route.path : route.path.slice(0, colon), param: colon !== -1 };
    for (const method of route.methods) {
      const list = this.byMethod.get(method) ?? [];
      list.push(compiled);
      this.byMethod.set(method, list);
    }
  }

  /** Wraps the server's request listeners so that raw routes are answered here first. */
  private install(server: Server): void {
    const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    if (listeners.length === 0) return;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!this.closing && this.dispatch(req, res)) return;
      for (const listener of listeners) listener.call(server, req, res);
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url;
    const candidates = this.byMethod.get(req.method ?? '');
    if (candidates === undefined || url === undefined) return false;
    for (const c of candidates) {
      if (!url.startsWith(c.prefix)) continue;
      const query = url.indexOf('?', c.prefix.length);
      const end = query === -1 ? url.length : query;
      if (!c.param) {
        if (end !== c.prefix.length) continue;
        c.route.raw(req, res, '');
        return true;
      }
      if (end - c.prefix.length > this.maxParamLength) continue;
      const param = url.slice(c.prefix.length, end);
      if (param.includes('/') || param.includes('%') || param.includes('#')) continue;
      c.route.raw(req, res, param);
      return true;
    }
    return false;
  }
}

/** Provides the one `RawRoutes` of the app to the modules whose routes it answers. */
@Module({ providers: [RawRoutes], exports: [RawRoutes] })
export class RawRoutesModule {}

/**
 * Sends a JSON answer as Fastify's reply does for these routes: the correlation id
 * first (the app's onRequest hook sets it), then the answer's own headers, its type
 * and length. `close` asks the client to close the connection (an unread body).
 * `bytes`: the answer's UTF-8 length when the caller knows it (it is counted otherwise);
 * an answer whose bytes are its characters is ASCII and goes out as latin1, a plain copy
 * (the UTF-8 encoder checks every character).
 */
export function sendRawJson(res: ServerResponse, id: string, status: number, json: string, close = false, headers: Record<string, string> = {}, bytes = Buffer.byteLength(json)): void {
  if (res.destroyed) return;
  const list: string[] = [CORRELATION_HEADER, id];
  for (const name in headers) list.push(name, headers[name]!);
  list.push('content-type', 'application/json; charset=utf-8', 'content-length', String(bytes));
  if (close) list.push('connection', 'close');
  res.writeHead(status, list);
  res.end(json, bytes === json.length ? 'latin1' : 'utf8');
}

/** An error through the same `mapError` as the exception filter; unexpected ones are logged with the request. */
export function sendRawError(res: ServerResponse, req: IncomingMessage, id: string, err: unknown, logger: LoggerService, close = false): void {
  const mapped = mapError(err, id);
  if (mapped.unexpected) logger.error({ err, correlationId: id, method: req.method, url: req.url }, 'Unhandled error');
  sendRawJson(res, id, mapped.status, JSON.stringify(mapped.body), close, mapped.headers);
}
