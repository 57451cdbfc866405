import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { engagementBodySchema, trackingTokenParamSchema, type EngagementBody } from '@loupe/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC, Route } from '../common/route.decorator';
import { TrackingService } from './tracking.service';

/** The smallest transparent GIF (1×1, 42 bytes): what an <img> impression pixel expects. */
export const TRANSPARENT_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const TOKEN_ERRORS =
  'A forged, malformed or expired token answers 400 `{code: 1, message}` and records nothing. ' +
  'When Redis is unreachable the answer is 503 `{code: 503, message}` and nothing is acknowledged: retry the same URL.';

/**
 * Signed tracking URLs the auction hands out with each ad (docs/tracking.md). Public:
 * the HMAC token is the authorization; each answer is sent only after the event is
 * durable in Redis.
 */
@Controller('t')
export class TrackingController {
  constructor(private readonly tracking: TrackingService) {}

  @Get('i/:token')
  @Header('Cache-Control', 'no-store')
  @Route({
    summary: 'Impression beacon',
    description:
      'Records the impression of the ad the token names and answers a 1×1 transparent GIF (`Cache-Control: no-store`). ' +
      'One impression per (auction, slot): a replay answers the same GIF and records nothing more; HEAD records nothing. ' +
      'Invalid traffic (bot or missing user agent, bursts from one IP) is recorded flagged and unbilled. ' +
      TOKEN_ERRORS,
    tag: 'tracking',
    access: PUBLIC,
    extension: true,
    params: trackingTokenParamSchema,
  })
  async impression(@Param('token') token: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    // Fastify answers HEAD with the GET route: a HEAD (link checker, prefetch) checks the token but records nothing.
    if (request.method === 'HEAD') this.tracking.verify(token, Date.now());
    else await this.tracking.impression({ token, userAgent: request.headers['user-agent'], ip: request.ip, nowMs: Date.now() });
    // Set here, not with @Header: an error answer must stay JSON.
    void reply.header('Content-Type', 'image/gif');
    return TRANSPARENT_GIF;
  }

  @Get('c/:token')
  @HttpCode(302)
  @Header('Cache-Control', 'no-store')
  @Route({
    summary: 'Click',
    description:
      "Records the click and redirects (302) to the ad's destination URL, else its pin's link, with `epik=<click id>` appended: " +
      'send it back as `user_data.click_id` in conversions. A CPC click is charged at most once per impression and only within budget + one maximum bid; ' +
      'a replayed click still redirects but is recorded as invalid traffic (DUPLICATE_CLICK), unbilled; HEAD answers the redirect and records nothing. 404 when the ad has no destination. ' +
      TOKEN_ERRORS,
    tag: 'tracking',
    access: PUBLIC,
    extension: true,
    params: trackingTokenParamSchema,
  })
  async click(@Param('token') token: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const location =
      request.method === 'HEAD'
        ? (await this.tracking.clickTarget(token, Date.now())).location
        : await this.tracking.click({ token, userAgent: request.headers['user-agent'], ip: request.ip, nowMs: Date.now() });
    void reply.header('Location', location);
  }

  @Post('e/:token')
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  @Route({
    summary: 'Engagement',
    description:
      'Records an engagement with the promoted pin (SAVE, CLOSEUP, OUTBOUND_CLICK, SHARE); never billed. ' +
      'At most one per (auction, slot, type): replays answer 204 and record nothing more. ' +
      TOKEN_ERRORS,
    tag: 'tracking',
    access: PUBLIC,
    extension: true,
    params: trackingTokenParamSchema,
    body: engagementBodySchema,
    status: 204,
  })
  async engagement(@Param('token') token: string, @Body() body: EngagementBody, @Req() request: FastifyRequest): Promise<void> {
    await this.tracking.engagement({ token, userAgent: request.headers['user-agent'], ip: request.ip, nowMs: Date.now() }, body.type);
  }
}
