import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ROUTE_CONTRACT, type RouteContract } from './route.decorator';

/**
 * Validates a route's params, query and body against its contract before the
 * handler runs, replacing them with the parsed values (defaults applied, strings
 * coerced). A ZodError becomes a 400 `{code: 1, message}` naming the field.
 */
@Injectable()
export class ContractInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const contract = this.reflector.get<RouteContract | undefined>(ROUTE_CONTRACT, context.getHandler());
    if (contract && context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      if (contract.params) request.params = contract.params.parse(request.params);
      if (contract.query) request.query = contract.query.parse(request.query ?? {});
      if (contract.body) request.body = contract.body.parse(request.body);
    }
    return next.handle();
  }
}
