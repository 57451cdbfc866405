import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';
import type { Permission } from '../auth/permissions';

/** Who may call a route. Every route declares one; the auth guard refuses routes that do not. */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'user' }
  | { kind: 'ad_account'; permission: Permission }
  | { kind: 'service' };

export const PUBLIC: RouteAccess = { kind: 'public' };
export const SIGNED_IN: RouteAccess = { kind: 'user' };
export const adAccount = (permission: Permission): RouteAccess => ({ kind: 'ad_account', permission });

/** Rate-limit bucket, as Pinterest's x-ratelimit-category (ads_read / ads_write). */
export type RateCategory = 'read' | 'write' | 'auth';

export interface RouteContract {
  summary: string;
  tag: string;
  access: RouteAccess;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** For bulk routes: the schema of one item (documentation; items are validated one by one). */
  bulkItem?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  rate?: RateCategory;
  /** Marks a Loupe extension in the API docs (not part of Pinterest's API). */
  extension?: boolean;
  description?: string;
}

export const ROUTE_CONTRACT = 'loupe:route-contract';

/**
 * The contract of a route: access rule, zod schemas of its input and output, and its
 * documentation. One declaration feeds validation (ContractInterceptor), authorisation
 * (AuthGuard), rate limits and the OpenAPI document at /docs.
 */
export const Route = (contract: RouteContract): MethodDecorator => SetMetadata(ROUTE_CONTRACT, contract);
