import { Readable } from 'node:stream';
import type { ClickHouseExecutor } from '@loupe/analytics';
import type { LoupeConfig } from '@loupe/server-core';
import { describe, expect, it } from 'vitest';
import { BillableEventsService } from './billable-events';

/*
 * When the header block leaves and what a late ClickHouse failure does to the file.
 * ClickHouse itself is scripted here (a stream that answers late, or fails late): the
 * real server's rows, bytes and checksums are proven in billable-events.e2e-spec.ts.
 */

const account = { id: '549755813888', name: 'Clay & Co', currency: 'USD', timezone: 'UTC' };
const config = { clickhouse: { database: 'loupe_test' } } as LoupeConfig;
const RECORD = '"2026-01-01","2026-01-01 10:00:00","e1","IMPRESSION","1","2","3","BROWSE","10","0.00001"\r\n';

/** A ClickHouse whose stream answers (or fails) only when the test says so. */
function scripted(): { executor: ClickHouseExecutor; answer(): void; refuse(): void } {
  const never = (): Promise<never> => Promise.reject(new Error('not used'));
  let answer = (): void => undefined;
  let refuse = (): void => undefined;
  const executor: ClickHouseExecutor = {
    command: never,
    query: never,
    ping: never,
    close: () => Promise.resolve(),
    stream: () =>
      new Promise<Readable>((done, fail) => {
        answer = () => done(Readable.from([Buffer.from(RECORD)]));
        refuse = () => fail(new Error('Code: 241. Memory limit exceeded'));
      }),
  };
  return { executor, answer: () => answer(), refuse: () => refuse() };
}

async function readAll(stream: Readable): Promise<{ text: string; error: Error | null }> {
  let text = '';
  try {
    for await (const chunk of stream) text += (chunk as Buffer).toString('utf8');
    return { text, error: null };
  } catch (error) {
    return { text, error: error as Error };
  }
}

describe('billable events CSV: first byte and late failures', () => {
  it('hands the header block over before ClickHouse answers, then the rows and the trailer once it does', async () => {
    const clickhouse = scripted();
    const stream = await new BillableEventsService(clickhouse.executor, config).csv(account, '2026-01-01', '2026-01-31', false);
    const first = await new Promise<string>((done) => stream.once('data', (chunk: Buffer) => done(chunk.toString('utf8'))));
    expect(first).toMatch(/^# Loupe billable events/);
    clickhouse.answer();
    const rest = await readAll(stream);
    expect(rest.error).toBeNull();
    expect(rest.text).toMatch(/# sha256: [0-9a-f]{64}; rows: 1\r\n$/);
  });

  it('answers with the error itself when ClickHouse refuses before the header has left', async () => {
    const clickhouse = scripted();
    const pending = new BillableEventsService(clickhouse.executor, config).csv(account, '2026-01-01', '2026-01-31', false);
    clickhouse.refuse();
    await expect(pending).rejects.toThrow(/Memory limit exceeded/);
  });

  it('cuts the download short with no trailer when ClickHouse fails after the header has left', async () => {
    const clickhouse = scripted();
    const stream = await new BillableEventsService(clickhouse.executor, config).csv(account, '2026-01-01', '2026-01-31', false);
    clickhouse.refuse();
    const result = await readAll(stream);
    expect(result.error?.message).toMatch(/Memory limit exceeded/);
    expect(result.text).toMatch(/^# Loupe billable events/);
    expect(result.text).not.toContain('# sha256');
  });
});
