import type { ClickHouseExecutor, SqlFragment } from '@loupe/analytics';
import { describe, expect, it } from 'vitest';
import type { LoupeConfig } from '../config/config';
import type { MeasureName } from '@loupe/metrics';
import { MeasureStore, type MeasureQuery } from './measure-store';

/*
 * Which rollup columns MeasureStore asks ClickHouse for. The statements are captured
 * from a scripted executor; what they return on the real engines (18.16 and chdb) is
 * proven in libs/analytics/test/rollups.spec.ts, and the figures end to end in the
 * analytics, report-builder and consistency e2e tests.
 */

const config = { clickhouse: { database: 'loupe_test' } } as LoupeConfig;
const query: MeasureQuery = {
  level: 'ad_account',
  adAccountIds: ['549755813888'],
  from: new Date('2026-07-01T04:00:00Z'),
  to: new Date('2026-10-01T04:00:00Z'),
  granularity: 'TOTAL',
  timezone: 'America/New_York',
  clickWindowDays: 30,
  viewWindowDays: 1,
  reportTime: 'TIME_OF_AD_ACTION',
};

/** A ClickHouse that answers one row and remembers the statement it was asked. */
function recording(row: Record<string, string>): { executor: ClickHouseExecutor; statements: string[] } {
  const statements: string[] = [];
  const executor: ClickHouseExecutor = {
    command: () => Promise.resolve(),
    query: <T,>(statement: SqlFragment) => {
      statements.push(statement.text);
      return Promise.resolve([row] as T[]);
    },
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return { executor, statements };
}

/** The rollup columns a statement sums (each once: the daily read sums them in its day and hour branches). */
const summed = (text: string): string[] => [...new Set([...text.matchAll(/sum\(`([a-z_]+)`\)/g)].map((m) => m[1]!).filter((name) => !name.startsWith('b_')))].sort();

describe('MeasureStore: the columns a read asks for', () => {
  it('reads every column and reach when the caller names no measures', async () => {
    const { executor, statements } = recording({ ad_account_id: '549755813888', impressions: '10', users: '4' });
    const [row] = await new MeasureStore(executor, config).read(query);
    expect(summed(statements[0]!)).toEqual(expect.arrayContaining(['clicks', 'impressions', 'ivt_clicks', 'spend_micros', 'value_checkout_micros']));
    // Reach from the daily table's uniqHLL12 states (whole UTC days) and the hourly reach table's (edge hours),
    // each row's latest version taken by argMax instead of FINAL; the hourly sums still under FINAL.
    expect(statements[0]).toContain('uniqHLL12Merge(b_reach)');
    expect(statements[0]).toMatch(/argMax\(`reach`, version\) AS `r_reach` FROM `[a-z0-9_]+`\.`rollup_ad_account_daily`\s/);
    expect(statements[0]).toMatch(/argMax\(`reach`, version\) AS `r_reach` FROM `[a-z0-9_]+`\.`reach_ad_account_hourly`\s/);
    expect(statements[0]).not.toContain('_daily` FINAL');
    expect(statements[0]).not.toContain('`reach_ad_account_hourly` FINAL');
    expect(statements[0]).toContain('`rollup_ad_account_hourly` FINAL');
    expect(row!.measures.uniqueUsers).toBe(4n);
  });

  it('reads only the columns of the named measures; the others are 0 and reach is unknown', async () => {
    const { executor, statements } = recording({ ad_account_id: '549755813888', spend_micros: '2500000', value_checkout_micros: '9000000' });
    const [row] = await new MeasureStore(executor, config).read({ ...query, measures: ['spendMicros', 'conversionValueMicros'] });
    expect(summed(statements[0]!)).toEqual(
      ['spend_micros', 'value_add_to_cart_micros', 'value_checkout_micros', 'value_lead_micros', 'value_other_micros', 'value_page_visit_micros', 'value_signup_micros'].sort(),
    );
    expect(statements[0]).not.toContain('users');
    // Without reach, every hour from the hourly table: no daily branch.
    expect(statements[0]).toContain('`rollup_ad_account_hourly` FINAL');
    expect(statements[0]).not.toContain('_daily');
    expect(row!.measures.spendMicros).toBe(2_500_000n);
    expect(row!.measures.conversionValueMicros['checkout']).toBe(9_000_000n);
    expect(row!.measures.impressions).toBe(0n);
    expect(row!.measures.uniqueUsers).toBeNull();
  });

  it('reads reach for uniqueUsers, and nothing else when that is all it needs', async () => {
    const { executor, statements } = recording({ ad_account_id: '549755813888', users: '7' });
    const [row] = await new MeasureStore(executor, config).read({ ...query, measures: ['uniqueUsers'] });
    expect(summed(statements[0]!)).toEqual([]);
    expect(statements[0]).toContain('uniqHLL12Merge(b_reach)');
    expect(row!.measures.uniqueUsers).toBe(7n);
  });

  it('reads sums from the daily table alone when its days cover the whole slice, and from the hourly table otherwise', async () => {
    const measures: MeasureName[] = ['impressions', 'spendMicros'];
    const read = async (slice: Partial<MeasureQuery>): Promise<string> => {
      const { executor, statements } = recording({ ad_account_id: '549755813888', impressions: '3' });
      await new MeasureStore(executor, config).read({ ...query, measures, ...slice });
      return statements[0]!;
    };
    const utcDays = { from: new Date('2026-07-01T00:00:00Z'), to: new Date('2026-10-01T00:00:00Z') };
    // Whole UTC days: one daily branch for a TOTAL in any timezone, and for any period cut at UTC midnight.
    for (const slice of [{ ...utcDays }, { ...utcDays, timezone: 'UTC', granularity: 'DAY' as const }, { ...utcDays, timezone: 'UTC', granularity: 'QUARTER' as const }]) {
      const statement = await read(slice);
      expect(statement).toContain('`rollup_ad_account_daily` FINAL');
      expect(statement).not.toContain('_hourly');
    }
    // Local days in New York, hours, or a day cut in a timezone other than UTC: the hourly table alone.
    for (const slice of [{}, { ...utcDays, granularity: 'DAY' as const }, { ...utcDays, timezone: 'UTC', granularity: 'HOUR' as const }]) {
      const statement = await read(slice);
      expect(statement).toContain('`rollup_ad_account_hourly` FINAL');
      expect(statement).not.toContain('_daily');
    }
  });
});

describe('MeasureStore: the local-day tables', () => {
  /** A ClickHouse that answers by table: the local-day read and the other read give different rows, so the test sees which one was kept. */
  function byTable(): { executor: ClickHouseExecutor; statements: string[] } {
    const statements: string[] = [];
    const executor: ClickHouseExecutor = {
      command: () => Promise.resolve(),
      query: <T,>(statement: SqlFragment) => {
        statements.push(statement.text);
        const local = statement.text.includes('_local_daily');
        return Promise.resolve([{ ad_account_id: '549755813888', impressions: local ? '7' : '9' }] as T[]);
      },
      ping: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    return { executor, statements };
  }
  const zones = (answer: boolean | Error) => {
    const asked: [readonly string[], string][] = [];
    return {
      asked,
      completeIn: (ids: readonly string[], timezone: string) => {
        asked.push([ids, timezone]);
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    };
  };
  const measures: MeasureName[] = ['impressions'];

  it('reads the local days alone when Postgres says they are complete, asking both at once', async () => {
    const { executor, statements } = byTable();
    const complete = zones(true);
    const [row] = await new MeasureStore(executor, config, complete).read({ ...query, measures });
    expect(row!.measures.impressions).toBe(7n);
    expect(complete.asked).toEqual([[query.adAccountIds, 'America/New_York']]);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('`rollup_ad_account_local_daily`');
    expect(statements[0]).not.toContain('_hourly');
  });

  it('reads reach from the local days in a statement of its own beside the sums, and joins them by key', async () => {
    const statements: string[] = [];
    const executor: ClickHouseExecutor = {
      command: () => Promise.resolve(),
      query: <T,>(statement: SqlFragment) => {
        statements.push(statement.text);
        const reach = statement.text.includes('uniqHLL12Merge(r_reach)');
        return Promise.resolve([reach ? { ad_account_id: '549755813888', users: '5' } : { ad_account_id: '549755813888', impressions: '7' }] as T[]);
      },
      ping: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const [row] = await new MeasureStore(executor, config, zones(true)).read({ ...query, measures: ['impressions', 'uniqueUsers'] });
    expect(row!.measures.impressions).toBe(7n);
    expect(row!.measures.uniqueUsers).toBe(5n);
    expect(statements).toHaveLength(2);
    expect(statements.every((text) => text.includes('`rollup_ad_account_local_daily`'))).toBe(true);
    // The sums under FINAL without reach; the reach states by argMax, not FINAL.
    expect(statements.find((text) => text.includes('FINAL'))).not.toContain('reach');
    expect(statements.find((text) => text.includes('argMax(reach, version)'))).not.toContain('FINAL');
  });

  it('drops the local answer and reads the UTC days and hours when they are not complete', async () => {
    const { executor, statements } = byTable();
    const [row] = await new MeasureStore(executor, config, zones(false)).read({ ...query, measures });
    expect(row!.measures.impressions).toBe(9n);
    expect(statements).toHaveLength(2);
    expect(statements[1]).not.toContain('_local_daily');
  });

  it('does not ask when the slice is not whole local days, or without zones', async () => {
    for (const [store, slice] of [
      [new MeasureStore(byTable().executor, config, zones(true)), { ...query, from: new Date('2026-07-01T05:00:00Z') }],
      [new MeasureStore(byTable().executor, config, zones(true)), { ...query, granularity: 'HOUR' as const }],
      [new MeasureStore(byTable().executor, config), query],
    ] as const) {
      const [row] = await store.read({ ...slice, measures });
      expect(row!.measures.impressions).toBe(9n);
    }
    const utc = zones(true);
    await new MeasureStore(byTable().executor, config, utc).read({ ...query, timezone: 'UTC', from: new Date('2026-07-01T00:00:00Z'), to: new Date('2026-10-01T00:00:00Z'), measures });
    expect(utc.asked).toEqual([]);
  });

  it('fails the read when Postgres cannot answer', async () => {
    await expect(new MeasureStore(byTable().executor, config, zones(new Error('postgres down'))).read({ ...query, measures })).rejects.toThrow('postgres down');
  });
});
