import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  type AdAccountRole,
  type Member,
  type MemberInviteBody,
  type MemberListQuery,
  type Page,
} from '@loupe/contracts';
import { DomainException, NotFoundException } from '@loupe/server-core';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/request-context';
import { decodeBookmark, toPage } from '../common/pagination';

interface MemberRow {
  /** Keyset position: the user id of a member, the invitation id of an invitation (one global sequence, so never equal). */
  id: string;
  user_id: string | null;
  email: string;
  username: string | null;
  role: AdAccountRole;
  status: 'ACTIVE' | 'INVITED';
  created_at: Date;
}

function toMember(row: MemberRow): Member {
  return {
    user_id: row.user_id,
    email: row.email,
    username: row.username,
    role: row.role,
    status: row.status,
    created_time: Math.floor(row.created_at.getTime() / 1000),
  };
}

const LAST_ADMIN_MESSAGE =
  'This member is the last ADMIN of the ad account, and an ad account must keep at least one. Make another member ADMIN first.';

/**
 * Who may act on an ad account: active members (a role on the account) and pending
 * invitations (an email and a role, claimed when that email signs up). Every change
 * locks the ad account row first, so concurrent changes cannot together remove the
 * last ADMIN.
 */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Active members and pending invitations, in one keyset-paginated list. */
  async list(adAccountId: string, query: MemberListQuery): Promise<Page<Member>> {
    const params: unknown[] = [adAccountId];
    let after = '';
    const bookmark = decodeBookmark(query.bookmark);
    if (bookmark !== undefined) {
      params.push(bookmark);
      after = `WHERE id > $${params.length}`;
    }
    params.push(query.page_size + 1);
    const rows = await this.dataSource.query<MemberRow[]>(
      `SELECT * FROM (
         SELECT m.user_id AS id, m.user_id, u.email, u.username, m.role, 'ACTIVE' AS status, m.created_at
           FROM ad_account_members m JOIN users u ON u.id = m.user_id
          WHERE m.ad_account_id = $1
         UNION ALL
         SELECT i.id, NULL::bigint, i.email, NULL::text, i.role, 'INVITED', i.created_at
           FROM ad_account_invitations i
          WHERE i.ad_account_id = $1
       ) entries ${after}
       ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, query.page_size, toMember);
  }

  /**
   * Invites an email with a role. A registered user gets the role at once; an unknown
   * email gets a pending invitation that sign-up with that email turns into the role.
   */
  async invite(actor: Actor, adAccountId: string, body: MemberInviteBody): Promise<Member> {
    return this.dataSource.transaction(async (tx) => {
      await this.lockAccount(tx, adAccountId);
      const [user] = await tx.query<{ id: string; username: string }[]>(`SELECT id, username FROM users WHERE email = $1`, [body.email]);
      if (user) {
        const [existing] = await tx.query<{ role: AdAccountRole }[]>(
          `SELECT role FROM ad_account_members WHERE ad_account_id = $1 AND user_id = $2`,
          [adAccountId, user.id],
        );
        if (existing) {
          throw new DomainException(
            ErrorCode.Conflict,
            `${body.email} is already a member of this ad account with role ${existing.role}; change the role with PATCH /v5/ad_accounts/${adAccountId}/members/${user.id}.`,
          );
        }
        const [row] = await tx.query<{ created_at: Date }[]>(
          `INSERT INTO ad_account_members (ad_account_id, user_id, role) VALUES ($1, $2, $3) RETURNING created_at`,
          [adAccountId, user.id, body.role],
        );
        await this.audit.record(tx, actor, {
          adAccountId,
          objectType: 'MEMBER',
          objectId: user.id,
          action: 'CREATE',
          newValues: { user_id: user.id, email: body.email, role: body.role },
        });
        return toMember({ id: user.id, user_id: user.id, email: body.email, username: user.username, role: body.role, status: 'ACTIVE', created_at: row!.created_at });
      }

      const [pending] = await tx.query<{ role: AdAccountRole }[]>(
        `SELECT role FROM ad_account_invitations WHERE ad_account_id = $1 AND email = $2`,
        [adAccountId, body.email],
      );
      if (pending) {
        throw new DomainException(
          ErrorCode.Conflict,
          `${body.email} already has a pending invitation with role ${pending.role}; to invite with another role, cancel it first (DELETE /v5/ad_accounts/${adAccountId}/invitations/${body.email}).`,
        );
      }
      const [invitation] = await tx.query<{ id: string; created_at: Date }[]>(
        `INSERT INTO ad_account_invitations (ad_account_id, email, role, invited_by) VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
        [adAccountId, body.email, body.role, actor.userId],
      );
      await this.audit.record(tx, actor, {
        adAccountId,
        objectType: 'INVITATION',
        objectId: invitation!.id,
        action: 'INVITE',
        newValues: { email: body.email, role: body.role },
      });
      return toMember({ ...invitation!, user_id: null, email: body.email, username: null, role: body.role, status: 'INVITED' });
    });
  }

  async changeRole(actor: Actor, adAccountId: string, userId: string, role: AdAccountRole): Promise<Member> {
    return this.dataSource.transaction(async (tx) => {
      await this.lockAccount(tx, adAccountId);
      const member = await this.findMember(tx, adAccountId, userId);
      if (member.role === 'ADMIN' && role !== 'ADMIN') await this.ensureAnotherAdmin(tx, adAccountId, userId);
      await tx.query(`UPDATE ad_account_members SET role = $3 WHERE ad_account_id = $1 AND user_id = $2`, [adAccountId, userId, role]);
      await this.audit.record(tx, actor, {
        adAccountId,
        objectType: 'MEMBER',
        objectId: userId,
        action: 'UPDATE',
        oldValues: { role: member.role },
        newValues: { role },
      });
      return toMember({ ...member, role });
    });
  }

  /** Removes a member; their tokens lose access to this account on the next request. */
  async remove(actor: Actor, adAccountId: string, userId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await this.lockAccount(tx, adAccountId);
      const member = await this.findMember(tx, adAccountId, userId);
      if (member.role === 'ADMIN') await this.ensureAnotherAdmin(tx, adAccountId, userId);
      await tx.query(`DELETE FROM ad_account_members WHERE ad_account_id = $1 AND user_id = $2`, [adAccountId, userId]);
      await this.audit.record(tx, actor, {
        adAccountId,
        objectType: 'MEMBER',
        objectId: userId,
        action: 'DELETE',
        oldValues: { user_id: userId, email: member.email, role: member.role },
      });
    });
  }

  async cancelInvitation(actor: Actor, adAccountId: string, email: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const [invitation] = await tx.query<{ id: string; role: AdAccountRole }[]>(
        `SELECT id, role FROM ad_account_invitations WHERE ad_account_id = $1 AND email = $2 FOR UPDATE`,
        [adAccountId, email],
      );
      if (!invitation) throw new NotFoundException(`No pending invitation for ${email} on this ad account.`);
      await tx.query(`DELETE FROM ad_account_invitations WHERE id = $1`, [invitation.id]);
      await this.audit.record(tx, actor, {
        adAccountId,
        objectType: 'INVITATION',
        objectId: invitation.id,
        action: 'DELETE',
        oldValues: { email, role: invitation.role },
      });
    });
  }

  /** Serialises member changes of one account (NO KEY: inserts referencing the account are not blocked). */
  private async lockAccount(tx: EntityManager, adAccountId: string): Promise<void> {
    await tx.query(`SELECT 1 FROM ad_accounts WHERE id = $1 FOR NO KEY UPDATE`, [adAccountId]);
  }

  private async findMember(tx: EntityManager, adAccountId: string, userId: string): Promise<MemberRow> {
    const [row] = await tx.query<MemberRow[]>(
      `SELECT m.user_id AS id, m.user_id, u.email, u.username, m.role, 'ACTIVE' AS status, m.created_at
         FROM ad_account_members m JOIN users u ON u.id = m.user_id
        WHERE m.ad_account_id = $1 AND m.user_id = $2`,
      [adAccountId, userId],
    );
    if (!row) throw new NotFoundException(`Member not found: user ${userId} has no role on this ad account.`);
    return row;
  }

  private async ensureAnotherAdmin(tx: EntityManager, adAccountId: string, userId: string): Promise<void> {
    const others = await tx.query(
      `SELECT 1 FROM ad_account_members WHERE ad_account_id = $1 AND role = 'ADMIN' AND user_id <> $2 LIMIT 1`,
      [adAccountId, userId],
    );
    if (others.length === 0) throw new DomainException(ErrorCode.Conflict, LAST_ADMIN_MESSAGE);
  }
}
