import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AdAccountRole } from '@loupe/contracts';
import {
  AuthenticationFailedException,
  InvalidParametersException,
  LOUPE_CONFIG,
  NotFoundException,
  PermissionDeniedException,
  type LoupeConfig,
} from '@loupe/server-core';
import { DataSource } from 'typeorm';
import { ROUTE_CONTRACT, type RouteContract } from '../common/route.decorator';
import { roleAllows } from './permissions';
import { ServiceKey } from './service-key';
import type { AuthenticatedRequest } from './request-context';
import { TokenService } from './token.service';

/**
 * The one gate every request passes. A route without a `@Route` contract is refused
 * (a programming error, caught by the route-catalog test too). Tenant-scoped routes
 * resolve the caller's role on the very ad account in the path: an account the caller
 * has no role on is "not found" (its existence is not revealed); a role without the
 * route's permission is a 403.
 *
 * Service routes (`/internal/*`, called by the ad server's clients, not by people) take
 * the shared service key instead of a user token, as `Authorization: Bearer <key>` or
 * `X-Loupe-Service-Key: <key>`; a user token is refused there.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOUPE_CONFIG) config: LoupeConfig,
  ) {
    this.serviceKey = new ServiceKey(config.serving.serviceKey);
  }

  private readonly serviceKey: ServiceKey;

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const contract = this.reflector.get<RouteContract | undefined>(ROUTE_CONTRACT, context.getHandler());
    if (!contract) {
      throw new Error(`${context.getClass().name}.${context.getHandler().name} has no @Route contract`);
    }
    const { access } = contract;
    if (access.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (access.kind === 'service') {
      this.serviceKey.verify(request.headers);
      return true;
    }
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (!token) throw new AuthenticationFailedException('Authentication failed: send "Authorization: Bearer <access token>".');
    const principal = await this.tokens.verify(token);
    if (!principal) throw new AuthenticationFailedException('Authentication failed: the access token is invalid, expired or revoked.');
    request.principal = principal;
    if (access.kind === 'user') return true;

    const adAccountId = (request.params as Record<string, string | undefined>).ad_account_id;
    if (!adAccountId || !/^\d{1,18}$/.test(adAccountId)) throw new InvalidParametersException('Invalid ad account id');
    const [scope] = await this.dataSource.query<{ role: AdAccountRole; currency: string; timezone: string }[]>(
      `SELECT m.role, a.currency, a.timezone FROM ad_account_members m JOIN ad_accounts a ON a.id = m.ad_account_id
        WHERE m.ad_account_id = $1 AND m.user_id = $2`,
      [adAccountId, principal.userId],
    );
    if (!scope) throw new NotFoundException('Ad account not found.');
    if (!roleAllows(scope.role, access.permission)) {
      throw new PermissionDeniedException(
        `Your role on this ad account (${scope.role}) does not allow this operation (${access.permission}).`,
      );
    }
    request.adAccount = { id: adAccountId, role: scope.role, currency: scope.currency.trim(), timezone: scope.timezone };
    return true;
  }
}
