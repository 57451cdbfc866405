import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  reportDefinitionSchema,
  type AdAccountRole,
  type ReportDefinition,
  type ReportResponse,
  type SavedReport,
  type SavedReportCreate,
  type SavedReportUpdate,
} from '@loupe/contracts';
import { InvalidParametersException, NotFoundException, PermissionDeniedException } from '@loupe/server-core';
import { DataSource, type EntityManager } from 'typeorm';
import { roleAllows } from '../auth/permissions';
import type { AdAccountScope } from '../auth/request-context';
import { reportAccounts } from './report-access';
import { checkDefinition, ReportBuilderService, type ReportPage } from './report-builder.service';

interface Row {
  id: string;
  ad_account_id: string;
  owner_user_id: string;
  name: string;
  definition: unknown;
  shared_with_account: boolean;
  shared_with_user_ids: string[];
  created_at: Date;
  updated_at: Date;
}

const SELECT = `
  SELECT r.id::text AS id, r.ad_account_id::text AS ad_account_id, r.owner_user_id::text AS owner_user_id, r.name, r.definition,
         r.shared_with_account, r.created_at, r.updated_at,
         COALESCE((SELECT array_agg(s.user_id::text ORDER BY s.user_id) FROM saved_report_shares s WHERE s.saved_report_id = r.id), '{}') AS shared_with_user_ids
    FROM saved_reports r`;
/** Who sees a saved report: its owner, the members it is shared with, everyone on the account when shared with the account. */
const VISIBLE = `(r.owner_user_id = $2 OR r.shared_with_account OR EXISTS (SELECT 1 FROM saved_report_shares s WHERE s.saved_report_id = r.id AND s.user_id = $2))`;

/**
 * Saved report builder questions (docs/reports.md). Each belongs to one ad account
 * and is visible to its owner and to the members it is shared with (or to every
 * member with analytics access, `shared_with_account`). Those who see it may run,
 * rename, redefine and delete it; only the owner changes whom it is shared with.
 * Whoever saves or runs it needs analytics access to every account it names.
 */
@Injectable()
export class SavedReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly builder: ReportBuilderService,
  ) {}

  async create(scope: AdAccountScope, userId: string, body: SavedReportCreate): Promise<SavedReport> {
    await this.checkDefinition(scope, userId, body.definition);
    return this.dataSource.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }[]>(
        `INSERT INTO saved_reports (ad_account_id, owner_user_id, name, definition, shared_with_account) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id`,
        [scope.id, userId, body.name, JSON.stringify(body.definition), body.shared_with_account],
      );
      await this.share(tx, scope.id, row!.id, body.shared_with_user_ids);
      return this.visible(tx, scope.id, userId, row!.id);
    });
  }

  async list(scope: AdAccountScope, userId: string): Promise<{ items: SavedReport[] }> {
    const rows = await this.dataSource.query<Row[]>(`${SELECT} WHERE r.ad_account_id = $1 AND ${VISIBLE} ORDER BY r.id`, [scope.id, userId]);
    return { items: rows.map(toSavedReport) };
  }

  get(scope: AdAccountScope, userId: string, id: string): Promise<SavedReport> {
    return this.visible(this.dataSource.manager, scope.id, userId, id);
  }

  async update(scope: AdAccountScope, userId: string, id: string, body: SavedReportUpdate): Promise<SavedReport> {
    const current = await this.get(scope, userId, id);
    const sharing = body.shared_with_user_ids !== undefined || body.shared_with_account !== undefined;
    if (sharing && current.owner_user_id !== userId) throw new PermissionDeniedException('Only the owner of a saved report can change whom it is shared with.');
    if (body.definition) await this.checkDefinition(scope, userId, body.definition);
    return this.dataSource.transaction(async (tx) => {
      await tx.query(
        `UPDATE saved_reports SET name = COALESCE($2, name), definition = COALESCE($3::jsonb, definition),
                shared_with_account = COALESCE($4, shared_with_account), updated_at = now() WHERE id = $1`,
        [id, body.name ?? null, body.definition ? JSON.stringify(body.definition) : null, body.shared_with_account ?? null],
      );
      if (body.shared_with_user_ids !== undefined) {
        await tx.query(`DELETE FROM saved_report_shares WHERE saved_report_id = $1`, [id]);
        await this.share(tx, scope.id, id, body.shared_with_user_ids);
      }
      return this.visible(tx, scope.id, userId, id);
    });
  }

  async remove(scope: AdAccountScope, userId: string, id: string): Promise<void> {
    await this.get(scope, userId, id);
    await this.dataSource.query(`DELETE FROM saved_reports WHERE id = $1`, [id]);
  }

  /** Runs the saved question as the caller: their access to every account it names is checked now. */
  async run(scope: AdAccountScope, userId: string, id: string, page: ReportPage): Promise<ReportResponse> {
    const report = await this.get(scope, userId, id);
    const accounts = await reportAccounts(this.dataSource, userId, report.definition.ad_account_ids);
    return this.builder.run(accounts, report.definition, page);
  }

  /** A question the builder accepts, naming the home account and only accounts the saver can read analytics on. */
  private async checkDefinition(scope: AdAccountScope, userId: string, definition: ReportDefinition): Promise<void> {
    checkDefinition(definition);
    await reportAccounts(this.dataSource, userId, definition.ad_account_ids);
    if (!definition.ad_account_ids.includes(scope.id)) {
      throw new InvalidParametersException(`Invalid parameters. A saved report of ad account ${scope.id} must include it in ad_account_ids.`);
    }
  }

  /** Shares only with members of the home account who may read analytics (400 naming the others). */
  private async share(tx: EntityManager, adAccountId: string, reportId: string, userIds: readonly string[]): Promise<void> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return;
    const members = await tx.query<{ user_id: string; role: AdAccountRole }[]>(
      `SELECT user_id::text AS user_id, role FROM ad_account_members WHERE ad_account_id = $1 AND user_id = ANY($2::bigint[])`,
      [adAccountId, ids],
    );
    const allowed = new Set(members.filter((m) => roleAllows(m.role, 'analytics:read')).map((m) => m.user_id));
    const refused = ids.filter((id) => !allowed.has(id));
    if (refused.length > 0) {
      throw new InvalidParametersException(`Invalid parameters. shared_with_user_ids: user ${refused.join(', ')} is not a member of ad account ${adAccountId} who may read analytics.`);
    }
    await tx.query(`INSERT INTO saved_report_shares (saved_report_id, user_id) SELECT $1, unnest($2::bigint[])`, [reportId, ids]);
  }

  private async visible(manager: EntityManager, adAccountId: string, userId: string, id: string): Promise<SavedReport> {
    const rows = await manager.query<Row[]>(`${SELECT} WHERE r.ad_account_id = $1 AND ${VISIBLE} AND r.id = $3`, [adAccountId, userId, id]);
    if (rows.length === 0) throw new NotFoundException(`Saved report ${id} not found.`);
    return toSavedReport(rows[0]!);
  }
}

function toSavedReport(row: Row): SavedReport {
  return {
    id: row.id,
    ad_account_id: row.ad_account_id,
    name: row.name,
    owner_user_id: row.owner_user_id,
    shared_with_user_ids: row.shared_with_user_ids,
    shared_with_account: row.shared_with_account,
    definition: reportDefinitionSchema.parse(row.definition),
    created_time: Math.floor(row.created_at.getTime() / 1000),
    updated_time: Math.floor(row.updated_at.getTime() / 1000),
  };
}
