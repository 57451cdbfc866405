import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Controller, Get, Module, NotFoundException, Req, Res, type DynamicModule } from '@nestjs/common';
import type { LoupeConfig } from '@loupe/server-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC, Route } from '../common/route.decorator';

/** Paths that belong to the API; the single-page app never answers them. */
export const API_PREFIXES = ['/v5/', '/internal/', '/t/', '/health', '/docs'];

/**
 * Serves the built web app's shell for client-side routes (/campaigns, /reports…)
 * so the whole product lives on one URL. Files themselves come from @fastify/static.
 */
@Controller()
class WebAppController {
  @Get('*')
  @Route({ summary: 'The web app shell for client-side routes', tag: 'web', access: PUBLIC })
  shell(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const path = request.url.split('?')[0] ?? '/';
    if (API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) {
      throw new NotFoundException(`No route for GET ${path}.`);
    }
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
  }
}

@Module({})
export class WebAppModule {
  static forRoot(config: LoupeConfig): DynamicModule {
    const built = existsSync(join(resolve(config.web.distDir), 'index.html'));
    return { module: WebAppModule, controllers: built ? [WebAppController] : [] };
  }
}
