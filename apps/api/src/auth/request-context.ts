import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AdAccountRole } from '@loupe/contracts';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './token.service';

/** The ad account a tenant-scoped request acts on, resolved by the auth guard. */
export interface AdAccountScope {
  id: string;
  role: AdAccountRole;
  currency: string;
  timezone: string;
}

/** Who did it, for the audit log. */
export interface Actor {
  userId: string;
  requestId: string;
}

export interface AuthenticatedRequest extends FastifyRequest {
  principal?: Principal;
  adAccount?: AdAccountScope;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return request.principal;
});

export const CurrentAdAccount = createParamDecorator((_: unknown, ctx: ExecutionContext): AdAccountScope => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.adAccount) throw new Error('CurrentAdAccount used on a route that is not ad-account scoped');
  return request.adAccount;
});

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('CurrentActor used on a route without authentication');
  return { userId: request.principal.userId, requestId: String(request.id) };
});
