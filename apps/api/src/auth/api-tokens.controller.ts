import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  apiTokenCreateBodySchema,
  apiTokenCreatedSchema,
  apiTokenIdParamSchema,
  apiTokenListQuerySchema,
  apiTokenPageSchema,
  type ApiToken,
  type ApiTokenCreateBody,
  type ApiTokenCreated,
  type ApiTokenListQuery,
  type Page,
} from '@loupe/contracts';
import { Route, SIGNED_IN } from '../common/route.decorator';
import { ApiTokensService } from './api-tokens.service';
import { CurrentActor, CurrentPrincipal, type Actor } from './request-context';
import type { Principal } from './token.service';

/** Named long-lived API tokens for integrations (Loupe extension). */
@Controller('v5/auth/tokens')
export class ApiTokensController {
  constructor(private readonly apiTokens: ApiTokensService) {}

  @Post()
  @HttpCode(201)
  @Route({
    summary: 'Create a named API token',
    description:
      'Returns the secret `token` once; store it, it cannot be shown again. Without `expires_in_days` the token lasts until revoked. It acts with all the roles of the user who created it.',
    tag: 'auth',
    access: SIGNED_IN,
    rate: 'write',
    extension: true,
    status: 201,
    body: apiTokenCreateBodySchema,
    response: apiTokenCreatedSchema,
  })
  create(@CurrentActor() actor: Actor, @Body() body: ApiTokenCreateBody): Promise<ApiTokenCreated> {
    return this.apiTokens.create(actor, body);
  }

  @Get()
  @Route({
    summary: "List the caller's API tokens (never their secrets)",
    tag: 'auth',
    access: SIGNED_IN,
    rate: 'read',
    extension: true,
    query: apiTokenListQuerySchema,
    response: apiTokenPageSchema,
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ApiTokenListQuery): Promise<Page<ApiToken>> {
    return this.apiTokens.list(principal.userId, query);
  }

  @Delete(':token_id')
  @HttpCode(204)
  @Route({
    summary: 'Revoke an API token',
    description: 'The token stops working at once. Revoking an already revoked token is a no-op.',
    tag: 'auth',
    access: SIGNED_IN,
    rate: 'write',
    extension: true,
    status: 204,
    params: apiTokenIdParamSchema,
  })
  async revoke(@CurrentActor() actor: Actor, @Param('token_id') tokenId: string): Promise<void> {
    await this.apiTokens.revoke(actor, tokenId);
  }
}
