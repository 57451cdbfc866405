import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '@loupe/contracts';
import { DomainException, LOUPE_CONFIG, REDIS, type LoupeConfig } from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { ROUTE_CONTRACT, type RateCategory, type RouteContract } from '../common/route.decorator';
import type { AuthenticatedRequest } from './request-context';

const WINDOW_SECONDS = 60;

/**
 * Pinterest-style rate limits: a fixed one-minute window per access token and
 * category (read / write), or per client IP for sign-up and login. Over the limit:
 * 429 `{code: 8}` with Retry-After. If Redis is unreachable the limit fails open
 * (logged) rather than taking the whole API down with it.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);

  constructor(
    private readonly reflector: Reflector,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const contract = this.reflector.get<RouteContract | undefined>(ROUTE_CONTRACT, context.getHandler());
    if (!contract?.rate) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const subject = contract.rate === 'auth' ? `ip:${request.ip}` : `token:${request.principal?.tokenId ?? request.ip}`;
    const limit = this.limitFor(contract.rate);
    const window = Math.floor(Date.now() / 1000 / WINDOW_SECONDS);
    const key = `loupe:ratelimit:${contract.rate}:${subject}:${window}`;
    let count: number;
    try {
      const [[, incr]] = (await this.redis.multi().incr(key).expire(key, WINDOW_SECONDS * 2).exec()) as [[Error | null, number]];
      count = incr;
    } catch (err) {
      this.logger.warn(`rate limit skipped, Redis unavailable: ${String(err)}`);
      return true;
    }
    const reset = (window + 1) * WINDOW_SECONDS - Math.floor(Date.now() / 1000);
    const reply = context.switchToHttp().getResponse<{ header(k: string, v: string): unknown }>();
    reply.header('x-ratelimit-limit', String(limit));
    reply.header('x-ratelimit-remaining', String(Math.max(0, limit - count)));
    if (count > limit) {
      throw new DomainException(
        ErrorCode.RateLimited,
        `This request exceeded a rate limit of ${limit} ${contract.rate} requests per minute. Retry after ${reset} seconds.`,
        { 'retry-after': String(Math.max(1, reset)) },
      );
    }
    return true;
  }

  private limitFor(category: RateCategory): number {
    const { readPerMinute, writePerMinute, authPerMinute } = this.config.rateLimit;
    return category === 'read' ? readPerMinute : category === 'write' ? writePerMinute : authPerMinute;
  }
}
