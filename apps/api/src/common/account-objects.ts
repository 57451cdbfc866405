import type { AuditObjectType, BulkItem, ObjectStatus, SummaryStatus } from '@loupe/contracts';
import { InvalidParametersException, NotFoundException } from '@loupe/server-core';
import type { DataSource, EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/request-context';
import { runBulk } from './bulk';
import type { AccountTable } from './listing';

/*
 * The write path every object of an ad account (campaign, ad group, ad) shares:
 * Pinterest's bulk create / bulk update, one transaction per item, archived objects
 * read-only, only changed fields written, and every change audited with the fields
 * as the API shows them, in the same transaction.
 *
 * Objects are handled at the API level: a kind says how to read a row into its API
 * shape (`present`) and how each writable API field is stored (`fields`, one column
 * of the same name each). Services merge a request into the API object, check their
 * business rules on the result, and hand both versions here.
 */

/** How an API field is stored in its column. */
export type FieldCodec =
  /** As is (text, boolean, integer). */
  | 'plain'
  /** Integer micro-currency in a bigint column (sent as a string: pg's bigint round-trip). */
  | 'micros'
  /** Unix seconds in a timestamptz column. */
  | 'time'
  /** An object in a jsonb column. */
  | 'json';

/** The columns every ad-account object row has. */
export interface AccountObjectRow {
  id: string;
  ad_account_id: string;
  status: ObjectStatus;
  created_at: Date;
  updated_at: Date;
}

/** What every object looks like in its API shape. */
export interface AccountObject {
  id: string;
  status: ObjectStatus;
}

export interface AccountObjectKind<Row extends AccountObjectRow, T extends AccountObject> {
  table: AccountTable;
  auditType: AuditObjectType;
  /** How messages name one object: "Campaign", "Ad group". */
  label: string;
  /** Writable API fields → how each is stored; names reach SQL only from here. */
  fields: Readonly<Record<string, FieldCodec>>;
  /** A row in its API shape. */
  present(row: Row): T;
}

/** What a write needs besides the object: where, who, and the services to do it with. */
export interface WriteContext {
  dataSource: DataSource;
  audit: AuditService;
  actor: Actor;
  adAccountId: string;
}

export function toUnixSeconds(date: Date | null): number | null {
  return date === null ? null : Math.floor(date.getTime() / 1000);
}

/** bigint micros come back from pg as strings; every bound we accept is below 2^53. */
export function toMicros(value: string | null): number | null {
  return value === null ? null : Number(value);
}

/**
 * Pinterest's summary status: the status combined with the schedule, so a client
 * sees at a glance whether an ACTIVE object is delivering now.
 */
export function summaryStatus(status: ObjectStatus, startTime: number | null, endTime: number | null, now = Date.now() / 1000): SummaryStatus {
  if (status !== 'ACTIVE') return status;
  if (endTime !== null && endTime <= now) return 'COMPLETED';
  if (startTime !== null && startTime > now) return 'NOT_STARTED';
  return 'RUNNING';
}

/** Keys sorted, so two equal objects compare equal whatever order jsonb or the client used. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function encode(codec: FieldCodec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (codec) {
    case 'plain':
      return value;
    case 'micros':
      return String(value);
    case 'time':
      return new Date(Number(value) * 1000);
    case 'json':
      return JSON.stringify(value);
  }
}

/** The writable fields of an API object, as the audit log records them. */
function auditValues<T extends object>(kind: { fields: Readonly<Record<string, FieldCodec>> }, object: T, keys = Object.keys(kind.fields)): Record<string, unknown> {
  const values = object as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, values[k] ?? null]));
}

/** One object of the account, locked for update; another account's object is "not found". */
export async function lockAccountObject<Row extends AccountObjectRow, T extends AccountObject>(
  manager: EntityManager,
  kind: AccountObjectKind<Row, T>,
  adAccountId: string,
  id: string,
  lock: 'FOR NO KEY UPDATE' | 'FOR SHARE' = 'FOR NO KEY UPDATE',
): Promise<T> {
  const [row] = await manager.query<Row[]>(`SELECT * FROM ${kind.table} WHERE id = $1 AND ad_account_id = $2 ${lock}`, [id, adAccountId]);
  if (!row) throw new NotFoundException(`${kind.label} ${id} not found.`);
  return kind.present(row);
}

/** Reads one object of the account (no lock), or answers "not found". */
export async function getAccountObject<Row extends AccountObjectRow, T extends AccountObject>(
  manager: EntityManager,
  kind: AccountObjectKind<Row, T>,
  adAccountId: string,
  id: string,
): Promise<T> {
  const [row] = await manager.query<Row[]>(`SELECT * FROM ${kind.table} WHERE id = $1 AND ad_account_id = $2`, [id, adAccountId]);
  if (!row) throw new NotFoundException(`${kind.label} ${id} not found.`);
  return kind.present(row);
}

/** ARCHIVED is final: an archived object keeps its history exactly as it ran. */
export function assertNotArchived(kind: { label: string }, object: AccountObject): void {
  if (object.status === 'ARCHIVED') {
    throw new InvalidParametersException(`${kind.label} ${object.id} is archived; archived ${kind.label.toLowerCase()}s cannot be changed.`);
  }
}

/**
 * Status moves: DRAFT → ACTIVE / PAUSED / ARCHIVED, ACTIVE ⇄ PAUSED, either → ARCHIVED.
 * Nothing returns to DRAFT once launched (it has delivered; pause it instead), and
 * nothing leaves ARCHIVED (see `assertNotArchived`).
 */
export function assertStatusTransition(kind: { label: string }, current: AccountObject, to: ObjectStatus): void {
  if (to === 'DRAFT' && current.status !== 'DRAFT') {
    throw new InvalidParametersException(
      `Invalid parameters. status: ${kind.label.toLowerCase()} ${current.id} has left DRAFT and cannot return to it; set PAUSED to stop delivery.`,
    );
  }
}

/** Inserts an object from its API fields and audits the creation. */
export async function insertAccountObject<Row extends AccountObjectRow, T extends AccountObject>(
  tx: EntityManager,
  ctx: WriteContext,
  kind: AccountObjectKind<Row, T>,
  values: Partial<T>,
): Promise<T> {
  const given = values as Record<string, unknown>;
  const columns = Object.keys(kind.fields).filter((k) => given[k] !== undefined);
  const params = [ctx.adAccountId, ...columns.map((c) => encode(kind.fields[c]!, given[c]))];
  const [row] = await tx.query<Row[]>(
    `INSERT INTO ${kind.table} (ad_account_id${columns.map((c) => `, ${c}`).join('')})
     VALUES ($1${columns.map((_, i) => `, $${i + 2}`).join('')}) RETURNING *`,
    params,
  );
  const created = kind.present(row!);
  await ctx.audit.record(tx, ctx.actor, {
    adAccountId: ctx.adAccountId,
    objectType: kind.auditType,
    objectId: created.id,
    action: 'CREATE',
    newValues: auditValues(kind, created),
  });
  return created;
}

/**
 * Writes the fields that differ between `current` and `next` (nothing, and no audit
 * entry, when none do) and audits them with their old and new values.
 */
export async function updateAccountObject<Row extends AccountObjectRow, T extends AccountObject>(
  tx: EntityManager,
  ctx: WriteContext,
  kind: AccountObjectKind<Row, T>,
  current: T,
  next: T,
): Promise<T> {
  const before = current as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const changed = Object.keys(kind.fields).filter((k) => stableJson(before[k] ?? null) !== stableJson(after[k] ?? null));
  if (changed.length === 0) return current;
  const params = [current.id, ...changed.map((c) => encode(kind.fields[c]!, after[c]))];
  // TypeORM answers an UPDATE on Postgres with [rows, affected count].
  const [[row]] = await tx.query<[Row[], number]>(
    `UPDATE ${kind.table} SET ${changed.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`,
    params,
  );
  const updated = kind.present(row!);
  await ctx.audit.record(tx, ctx.actor, {
    adAccountId: ctx.adAccountId,
    objectType: kind.auditType,
    objectId: current.id,
    action: 'UPDATE',
    oldValues: auditValues(kind, current, changed),
    newValues: auditValues(kind, updated, changed),
  });
  return updated;
}

/** Pinterest repeats the ad account in bodies; when given it must be the one of the path. */
export function assertSameAdAccount(given: string | undefined, adAccountId: string): void {
  if (given !== undefined && given !== adAccountId) {
    throw new InvalidParametersException(
      `Invalid parameters. ad_account_id: ${given} does not match the ad account of the path (${adAccountId}); omit it or send the same id.`,
    );
  }
}

/**
 * Pinterest's bulk create: each item validated and created in its own transaction by
 * `create`, which checks the business rules and returns the API fields to insert.
 */
export function bulkCreate<S extends z.ZodType, Row extends AccountObjectRow, T extends AccountObject>(
  ctx: WriteContext,
  kind: AccountObjectKind<Row, T>,
  items: unknown[],
  schema: S,
  create: (tx: EntityManager, item: z.infer<S>) => Promise<Partial<T>>,
): Promise<{ items: BulkItem<T>[] }> {
  return runBulk(items, schema, (item) =>
    ctx.dataSource.transaction(async (tx) => insertAccountObject(tx, ctx, kind, await create(tx, item))),
  );
}

/**
 * Pinterest's bulk update: for each item, in its own transaction, the object is locked
 * (not found if it belongs to another account), refused if archived, merged with the
 * item by `merge` (which checks the business rules and returns the object as it will
 * be), and written and audited if anything changed.
 */
export function bulkUpdate<S extends z.ZodType<{ id: string; ad_account_id?: string }>, Row extends AccountObjectRow, T extends AccountObject>(
  ctx: WriteContext,
  kind: AccountObjectKind<Row, T>,
  items: unknown[],
  schema: S,
  merge: (tx: EntityManager, current: T, item: z.infer<S>) => Promise<T>,
): Promise<{ items: BulkItem<T>[] }> {
  return runBulk(items, schema, (item) =>
    ctx.dataSource.transaction(async (tx) => {
      assertSameAdAccount(item.ad_account_id, ctx.adAccountId);
      const current = await lockAccountObject(tx, kind, ctx.adAccountId, item.id);
      assertNotArchived(kind, current);
      const next = await merge(tx, current, item);
      assertStatusTransition(kind, current, next.status);
      return updateAccountObject(tx, ctx, kind, current, next);
    }),
  );
}

/**
 * `{...current, ...changes}` where only the fields that were sent (not undefined)
 * count; null stays null (it clears a nullable field). Only `kind.fields` are merged.
 */
export function mergeDefined<T extends object>(kind: { fields: Readonly<Record<string, FieldCodec>> }, current: T, changes: object): T {
  const sent = Object.entries(changes).filter(([k, v]) => v !== undefined && k in kind.fields);
  return { ...current, ...Object.fromEntries(sent) } as T;
}
