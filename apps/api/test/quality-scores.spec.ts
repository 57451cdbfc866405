import { randomInt, randomUUID } from 'node:crypto';
import { createClickHouseHttpExecutor, lit, sql, tableRef, type ClickHouseExecutor } from '@loupe/analytics';
import { predictCtr } from '@loupe/auction';
import { loadConfig, testEnv } from '@loupe/server-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QualityScores } from '../src/serving/quality-scores';

const config = loadConfig(testEnv());

describe('quality scores from ClickHouse events (real ClickHouse)', () => {
  let clickhouse: ClickHouseExecutor;
  beforeAll(() => {
    clickhouse = createClickHouseHttpExecutor({ url: config.clickhouse.url, username: config.clickhouse.user, password: config.clickhouse.password });
  });
  afterAll(async () => {
    await clickhouse.close();
  });

  async function insert(adId: string, eventType: 'IMPRESSION' | 'CLICK', count: number, options: { ivt?: boolean; daysAgo?: number; eventId?: () => string } = {}): Promise<void> {
    const at = new Date(Date.now() - (options.daysAgo ?? 0) * 86_400_000);
    const rows = Array.from({ length: count }, () =>
      sql`(${lit.string(options.eventId?.() ?? randomUUID())}, ${lit.string(eventType)}, ${lit.dateTime(at)}, ${lit.date(at.toISOString().slice(0, 10))}, ${lit.int(adId, 'UInt64')}, ${lit.int(options.ivt ? 1 : 0, 'UInt8')})`,
    );
    await clickhouse.command(sql`INSERT INTO ${tableRef(config.clickhouse.database, 'events')} (event_id, event_type, event_time, event_date, ad_id, ivt) VALUES ${sql.join(rows)}`);
  }

  it("scores an ad by its valid, distinct clicks and impressions of the last 30 days, smoothed by the prior; an ad without data scores the prior", async () => {
    const adId = String(randomInt(1, 2 ** 40) * 1000 + 7);
    await insert(adId, 'IMPRESSION', 400);
    await insert(adId, 'CLICK', 12);
    // Not counted: invalid traffic, events older than 30 days, and a duplicated event id.
    await insert(adId, 'CLICK', 5, { ivt: true });
    await insert(adId, 'CLICK', 5, { daysAgo: 40 });
    const duplicate = randomUUID();
    await insert(adId, 'CLICK', 3, { eventId: () => duplicate });

    const scores = new QualityScores(clickhouse, config);
    await scores.refresh();
    expect(scores.ctr(adId)).toBeCloseTo(predictCtr(13, 400), 12);
    expect(scores.ctr(String(Number(adId) + 1))).toBe(predictCtr(0, 0));
    expect(scores.prior).toBeCloseTo(0.01, 12);
  });
});
