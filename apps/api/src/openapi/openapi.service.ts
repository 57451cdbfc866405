import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { NotFoundException } from '@loupe/server-core';
import { referencePage, swaggerInitScript, swaggerUiPage } from './docs-pages';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { listRoutesFrom } from './route-catalog';

export interface DocsAsset {
  contentType: string;
  body: Buffer | string;
}

/** Files of swagger-ui-dist the page needs; anything else is not served (no path traversal). */
const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/**
 * Builds the OpenAPI document from the routes the application actually registered
 * (once, on first use: the router is complete by then) and serves the docs pages.
 */
@Injectable()
export class OpenApiService {
  private cachedDocument?: OpenApiDocument;
  private cachedReference?: string;
  private readonly assets = new Map<string, DocsAsset>();

  constructor(private readonly modules: ModulesContainer) {}

  document(): OpenApiDocument {
    return (this.cachedDocument ??= buildOpenApiDocument(listRoutesFrom(this.modules)));
  }

  swaggerUi(): string {
    return swaggerUiPage();
  }

  reference(): string {
    return (this.cachedReference ??= referencePage(this.document()));
  }

  asset(file: string): DocsAsset {
    const cached = this.assets.get(file);
    if (cached) return cached;
    let asset: DocsAsset;
    if (file === 'docs-init.js') {
      asset = { contentType: 'application/javascript; charset=utf-8', body: swaggerInitScript() };
    } else {
      const contentType = Object.prototype.hasOwnProperty.call(SWAGGER_FILES, file) ? SWAGGER_FILES[file] : undefined;
      if (!contentType) throw new NotFoundException(`No docs asset named ${file}.`);
      asset = { contentType, body: readFileSync(join(swaggerUiDir(), file)) };
    }
    this.assets.set(file, asset);
    return asset;
  }
}

/** Where swagger-ui-dist is installed (resolved like `require` would, from this file). */
function swaggerUiDir(): string {
  return dirname(createRequire(__filename).resolve('swagger-ui-dist/package.json'));
}
