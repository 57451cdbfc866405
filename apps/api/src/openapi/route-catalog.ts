import { RequestMethod, type INestApplicationContext } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ROUTE_CONTRACT, type RouteContract } from '../common/route.decorator';

/** Nest's RequestMethod names: GET, POST, PUT, PATCH, DELETE, … */
export type HttpMethod = keyof typeof RequestMethod;

/** One HTTP route of the running application, as the Nest router registered it. */
export interface CatalogRoute {
  method: HttpMethod;
  /** Nest/Fastify syntax: `/v5/ad_accounts/:ad_account_id`. */
  path: string;
  /** OpenAPI syntax: `/v5/ad_accounts/{ad_account_id}`. */
  openApiPath: string;
  /** Names of the path parameters, in order. */
  pathParams: string[];
  /** The `@Route` contract, or undefined when the handler has none (a bug the guard tests catch). */
  contract: RouteContract | undefined;
  /** The status a success answers with: the contract's, else `@HttpCode`, else Nest's default. */
  successStatus: number;
  /** The status Nest sends by itself: `@HttpCode`, else 201 for POST and 200 otherwise. */
  nestStatus: number;
  controller: string;
  handler: string;
}


function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [''];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function joinPath(...parts: string[]): string {
  const joined = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
  return `/${joined}`;
}

/**
 * Every route of the application, read from the same metadata the Nest router uses
 * (controller PATH_METADATA + handler PATH_METADATA/METHOD_METADATA) plus each
 * handler's `@Route` contract. One function feeds the OpenAPI document, the API
 * docs and the guard tests (route catalog, tenant isolation, bad input), so a route
 * added anywhere is documented and tested without anyone listing it by hand.
 * Sorted by path then method, so the output is stable.
 */
export function listRoutes(app: INestApplicationContext): CatalogRoute[] {
  return listRoutesFrom(app.get(ModulesContainer, { strict: false }));
}

export function listRoutesFrom(modules: ModulesContainer): CatalogRoute[] {
  const discovery = new DiscoveryService(modules);
  const scanner = new MetadataScanner();
  const routes: CatalogRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { metatype, instance } = wrapper;
    if (!metatype || !instance) continue;
    const controllerPaths = asList(Reflect.getMetadata(PATH_METADATA, metatype));
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function') continue;
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      const handlerPaths = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
      if (requestMethod === undefined || handlerPaths === undefined) continue;
      const method = RequestMethod[requestMethod] as HttpMethod;
      const contract = Reflect.getMetadata(ROUTE_CONTRACT, handler) as RouteContract | undefined;
      const httpCode = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
      for (const controllerPath of controllerPaths) {
        for (const handlerPath of asList(handlerPaths)) {
          const path = joinPath(controllerPath, handlerPath);
          routes.push({
            method,
            path,
            openApiPath: path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
            pathParams: [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!),
            contract,
            successStatus: contract?.status ?? httpCode ?? (method === 'POST' ? 201 : 200),
            nestStatus: httpCode ?? (method === 'POST' ? 201 : 200),
            controller: metatype.name,
            handler: name,
          });
        }
      }
    }
  }
  return routes.sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path < b.path ? -1 : 1));
}

/** `GET /v5/ad_accounts/:ad_account_id` — how tests and docs name a route. */
export function routeKey(route: Pick<CatalogRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
