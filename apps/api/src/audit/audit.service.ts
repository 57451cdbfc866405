import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditObjectType } from '@loupe/contracts';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/request-context';

// The vocabulary lives in the contracts (the audit-log route filters on it); re-exported for callers.
export type { AuditAction, AuditObjectType };

export interface AuditEntry {
  adAccountId: string | null;
  objectType: AuditObjectType;
  objectId: string;
  action: AuditAction;
  oldValues?: Record<string, unknown> | null;
  newValues?: Record<string, unknown> | null;
}

/**
 * Writes the audit log inside the caller's transaction, so a change and its record
 * commit or roll back together. For updates only the fields that changed are kept.
 */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    let { oldValues = null, newValues = null } = entry;
    if (entry.action === 'UPDATE' && oldValues && newValues) {
      const changed = Object.keys(newValues).filter((k) => JSON.stringify(newValues![k]) !== JSON.stringify(oldValues![k]));
      if (changed.length === 0) return;
      oldValues = Object.fromEntries(changed.map((k) => [k, oldValues![k] ?? null]));
      newValues = Object.fromEntries(changed.map((k) => [k, newValues![k] ?? null]));
    }
    await manager.query(
      `INSERT INTO audit_log (ad_account_id, actor_user_id, object_type, object_id, action, old_values, new_values, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [entry.adAccountId, actor.userId, entry.objectType, entry.objectId, entry.action, oldValues, newValues, actor.requestId],
    );
  }
}
