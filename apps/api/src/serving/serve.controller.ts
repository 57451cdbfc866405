import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { serveBodySchema, serveResponseSchema, type ServeBody, type ServeResponse } from '@loupe/contracts';
import { Route } from '../common/route.decorator';
import { ServeService } from './serve.service';

/**
 * Declares POST /internal/serve and its contract. Requests are answered by `ServeRoute`
 * before Fastify and Nest see them, applying this same contract (docs/serving.md "Performance");
 * this method is what the route would run without it.
 */
@Controller('internal')
export class ServeController {
  constructor(private readonly serving: ServeService) {}

  @Post('serve')
  @HttpCode(200)
  @Route({
    summary: 'Serve ads (ad server)',
    description:
      'Runs one auction for a placement and a user and returns the winning ads with their pin, clearing price and signed impression, click and engagement URLs. ' +
      'Charges are reserved before the answer (IMPRESSION billing) and frequency caps counted, so call it only when the ads will be shown. ' +
      'Authenticated with the service key (`Authorization: Bearer <SERVICE_KEY>` or `X-Loupe-Service-Key`), not user tokens. See docs/serving.md.',
    tag: 'serving',
    access: { kind: 'service' },
    body: serveBodySchema,
    response: serveResponseSchema,
    extension: true,
  })
  serve(@Body() body: ServeBody): Promise<ServeResponse> {
    return this.serving.serve(body);
  }
}
