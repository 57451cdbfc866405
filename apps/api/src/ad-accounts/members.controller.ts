import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  adAccountIdParamSchema,
  invitationParamsSchema,
  memberInviteBodySchema,
  memberPageSchema,
  memberParamsSchema,
  memberSchema,
  memberUpdateBodySchema,
  memberListQuerySchema,
  type Member,
  type MemberInviteBody,
  type MemberListQuery,
  type MemberUpdateBody,
  type Page,
} from '@loupe/contracts';
import { CurrentActor, CurrentAdAccount, type Actor, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { MembersService } from './members.service';

/** Members and invitations of an ad account (Loupe extension, after Pinterest's Business Access roles). */
@Controller('v5/ad_accounts/:ad_account_id')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get('members')
  @Route({
    summary: 'List members and pending invitations',
    tag: 'members',
    access: adAccount('members:read'),
    rate: 'read',
    extension: true,
    params: adAccountIdParamSchema,
    query: memberListQuerySchema,
    response: memberPageSchema,
  })
  list(@CurrentAdAccount() scope: AdAccountScope, @Query() query: MemberListQuery): Promise<Page<Member>> {
    return this.members.list(scope.id, query);
  }

  @Post('members')
  @HttpCode(201)
  @Route({
    summary: 'Invite a member by email',
    description:
      'A registered user gets the role at once (status ACTIVE); an unknown email gets a pending invitation (status INVITED) that becomes the role when that email signs up.',
    tag: 'members',
    access: adAccount('members:write'),
    rate: 'write',
    extension: true,
    status: 201,
    params: adAccountIdParamSchema,
    body: memberInviteBodySchema,
    response: memberSchema,
  })
  invite(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Body() body: MemberInviteBody): Promise<Member> {
    return this.members.invite(actor, scope.id, body);
  }

  @Patch('members/:user_id')
  @Route({
    summary: "Change a member's role",
    description: 'The last ADMIN of an ad account cannot be demoted (409).',
    tag: 'members',
    access: adAccount('members:write'),
    rate: 'write',
    extension: true,
    params: memberParamsSchema,
    body: memberUpdateBodySchema,
    response: memberSchema,
  })
  changeRole(
    @CurrentActor() actor: Actor,
    @CurrentAdAccount() scope: AdAccountScope,
    @Param('user_id') userId: string,
    @Body() body: MemberUpdateBody,
  ): Promise<Member> {
    return this.members.changeRole(actor, scope.id, userId, body.role);
  }

  @Delete('members/:user_id')
  @HttpCode(204)
  @Route({
    summary: 'Remove a member',
    description: 'The last ADMIN of an ad account cannot be removed (409).',
    tag: 'members',
    access: adAccount('members:write'),
    rate: 'write',
    extension: true,
    status: 204,
    params: memberParamsSchema,
  })
  async remove(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Param('user_id') userId: string): Promise<void> {
    await this.members.remove(actor, scope.id, userId);
  }

  @Delete('invitations/:email')
  @HttpCode(204)
  @Route({
    summary: 'Cancel a pending invitation',
    tag: 'members',
    access: adAccount('members:write'),
    rate: 'write',
    extension: true,
    status: 204,
    params: invitationParamsSchema,
  })
  async cancelInvitation(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Param('email') email: string): Promise<void> {
    await this.members.cancelInvitation(actor, scope.id, email);
  }
}
