import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  pinCreateBodySchema,
  pinCreateQuerySchema,
  pinGetQuerySchema,
  pinIdParamSchema,
  pinListQuerySchema,
  pinPageSchema,
  pinSchema,
  type Page,
  type Pin,
  type PinCreateBody,
  type PinCreateQuery,
  type PinGetQuery,
  type PinListQuery,
} from '@loupe/contracts';
import { CurrentActor, CurrentPrincipal, type Actor } from '../auth/request-context';
import type { Principal } from '../auth/token.service';
import { Route, SIGNED_IN } from '../common/route.decorator';
import { PinsService } from './pins.service';

const VISIBILITY =
  'A pin belongs to a business. It is visible to the users of that business and to the members (any role) of its ad accounts; to anyone else it is "Pin not found." (404). With `ad_account_id`, the caller acts for that ad account\'s business (Business Access) and needs a role on it.';

@Controller('v5/pins')
export class PinsController {
  constructor(private readonly pins: PinsService) {}

  @Post()
  @HttpCode(201)
  @Route({
    summary: 'Create Pin',
    description: `Creates an image pin that ads can promote. \`media_source\` must be \`{source_type: "image_url", url}\` with an http(s) URL: Loupe stores no uploads or videos. Without \`board_id\`, the pin goes to the business's "Promoted pins" board, created on first use. With \`ad_account_id\`, the pin belongs to that ad account's business and the caller needs campaigns:write on it. ${VISIBILITY}`,
    tag: 'pins',
    access: SIGNED_IN,
    rate: 'write',
    query: pinCreateQuerySchema,
    body: pinCreateBodySchema,
    response: pinSchema,
    status: 201,
  })
  create(@CurrentActor() actor: Actor, @Query() query: PinCreateQuery, @Body() body: PinCreateBody): Promise<Pin> {
    return this.pins.create(actor, body, query.ad_account_id);
  }

  @Get()
  @Route({
    summary: 'List Pins',
    description: `The pins of the caller's business (or, with \`ad_account_id\`, of that ad account's business), newest first, bookmark-paginated. ${VISIBILITY}`,
    tag: 'pins',
    access: SIGNED_IN,
    rate: 'read',
    query: pinListQuerySchema,
    response: pinPageSchema,
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: PinListQuery): Promise<Page<Pin>> {
    return this.pins.list(principal.userId, query);
  }

  @Get(':pin_id')
  @Route({
    summary: 'Get Pin',
    description: `${VISIBILITY} \`pin_metrics\` is accepted; Loupe keeps no organic pin metrics, so \`pin_metrics\` is null.`,
    tag: 'pins',
    access: SIGNED_IN,
    rate: 'read',
    params: pinIdParamSchema,
    query: pinGetQuerySchema,
    response: pinSchema,
  })
  get(@CurrentPrincipal() principal: Principal, @Param('pin_id') pinId: string, @Query() query: PinGetQuery): Promise<Pin> {
    return this.pins.get(principal.userId, pinId, query.ad_account_id);
  }
}
