import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PUBLIC, Route } from '../common/route.decorator';
import type { OpenApiDocument } from './openapi-document';
import { OpenApiService } from './openapi.service';

/** The API's own documentation: generated from the route contracts, public, served locally. */
@Controller('docs')
export class OpenApiController {
  constructor(private readonly openApi: OpenApiService) {}

  @Get()
  @Route({ summary: 'Interactive API docs (Swagger UI on the live OpenAPI document)', tag: 'docs', access: PUBLIC, extension: true })
  page(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache');
    return this.openApi.swaggerUi();
  }

  @Get('openapi.json')
  @Route({ summary: 'The OpenAPI 3.1 document of this API, generated from its zod contracts', tag: 'docs', access: PUBLIC, extension: true })
  document(@Res({ passthrough: true }) reply: FastifyReply): OpenApiDocument {
    void reply.header('cache-control', 'no-cache');
    return this.openApi.document();
  }

  @Get('reference')
  @Route({ summary: 'A plain HTML reference of every operation (no JavaScript needed)', tag: 'docs', access: PUBLIC, extension: true })
  reference(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache');
    return this.openApi.reference();
  }

  @Get('assets/:file')
  @Route({ summary: 'Static files of the interactive docs page', tag: 'docs', access: PUBLIC, extension: true })
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer | string {
    const asset = this.openApi.asset(file);
    void reply.type(asset.contentType).header('cache-control', 'public, max-age=3600');
    return asset.body;
  }
}
