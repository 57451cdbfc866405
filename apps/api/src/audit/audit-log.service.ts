import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuditAction, AuditLogEntry, AuditLogQuery, AuditObjectType, Page } from '@loupe/contracts';
import { DataSource } from 'typeorm';
import { decodeBookmark, toPage } from '../common/pagination';

interface AuditLogRow {
  id: string;
  created_at: Date;
  actor_user_id: string | null;
  actor_username: string | null;
  object_type: AuditObjectType;
  object_id: string;
  action: AuditAction;
  old_values: Record<string, unknown> | null;
  new_values: Record<string, unknown> | null;
  request_id: string | null;
}

function toEntry(row: AuditLogRow): AuditLogEntry {
  return {
    id: row.id,
    created_time: Math.floor(row.created_at.getTime() / 1000),
    actor: row.actor_user_id ? { id: row.actor_user_id, username: row.actor_username ?? '' } : null,
    object_type: row.object_type,
    object_id: row.object_id,
    action: row.action,
    old_values: row.old_values,
    new_values: row.new_values,
    request_id: row.request_id,
  };
}

/** Reads one ad account's audit log, newest first (keyset on the id, which grows with time). */
@Injectable()
export class AuditLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(adAccountId: string, query: AuditLogQuery): Promise<Page<AuditLogEntry>> {
    const params: unknown[] = [adAccountId];
    const where = ['l.ad_account_id = $1'];
    const add = (sql: (placeholder: string) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (query.object_type !== undefined) add((p) => `l.object_type = ${p}`, query.object_type);
    if (query.object_id !== undefined) add((p) => `l.object_id = ${p}`, query.object_id);
    if (query.action !== undefined) add((p) => `l.action = ${p}`, query.action);
    if (query.actor_user_id !== undefined) add((p) => `l.actor_user_id = ${p}`, query.actor_user_id);
    if (query.start_time !== undefined) add((p) => `l.created_at >= to_timestamp(${p})`, query.start_time);
    // end_time is inclusive of its whole second.
    if (query.end_time !== undefined) add((p) => `l.created_at < to_timestamp(${p} + 1)`, query.end_time);
    const before = decodeBookmark(query.bookmark);
    if (before !== undefined) add((p) => `l.id < ${p}`, before);
    params.push(query.page_size + 1);
    const rows = await this.dataSource.query<AuditLogRow[]>(
      `SELECT l.id, l.created_at, l.actor_user_id, u.username AS actor_username, l.object_type, l.object_id, l.action,
              l.old_values, l.new_values, l.request_id
         FROM audit_log l LEFT JOIN users u ON u.id = l.actor_user_id
        WHERE ${where.join(' AND ')}
        ORDER BY l.id DESC LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, query.page_size, toEntry);
  }
}
