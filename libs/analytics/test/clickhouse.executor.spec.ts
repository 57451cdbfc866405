import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClickHouseError,
  ClickHouseErrorCode,
  createClickHouseHttpExecutor,
  lit,
  serverVersion,
  sql,
  type ClickHouseExecutor,
} from '../src';
import { CLICKHOUSE_URL, ENGINES, uniqueDatabase } from './support/engines';

describe.each(ENGINES)('ClickHouseExecutor on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const database = uniqueDatabase('executor');
  const db = lit.databaseName(database);

  beforeAll(async () => {
    executor = await engine.open();
  });

  afterAll(async () => {
    await executor.command(sql`DROP DATABASE IF EXISTS ${db}`);
    await executor.close();
  });

  it('pings', async () => {
    await expect(executor.ping()).resolves.toBeUndefined();
  });

  it('reports the engine version', async () => {
    const version = await serverVersion(executor);
    expect(version.text).toMatch(/^\d+\.\d+\./);
    if (engine.current) expect(version.major).toBeGreaterThanOrEqual(24);
    else expect(version).toMatchObject({ major: 18, minor: 16 });
  });

  it('runs commands and returns query rows, with 64-bit integers as strings', async () => {
    const table = sql`${db}.${lit.identifier('t', ['t'])}`;
    await executor.command(sql`CREATE DATABASE IF NOT EXISTS ${db}`);
    await executor.command(sql`CREATE TABLE ${table} (id UInt64, n UInt32, s String) ENGINE = MergeTree ORDER BY id`);
    await executor.command(
      sql`INSERT INTO ${table} (id, n, s) VALUES (${lit.int('18446744073709551615', 'UInt64')}, ${lit.int(7, 'UInt32')}, ${lit.string('x')})`,
    );
    expect(await executor.query(sql`SELECT id, n, s FROM ${table}`)).toEqual([{ id: '18446744073709551615', n: 7, s: 'x' }]);
    expect(await executor.query(sql`SELECT id FROM ${table} WHERE s = ${lit.string('absent')}`)).toEqual([]);
  });

  it('maps a syntax error to ClickHouseError with the server code', async () => {
    const error = await executor.query(sql`SELEC 1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClickHouseError);
    expect(error).toMatchObject({ code: ClickHouseErrorCode.SYNTAX_ERROR, sql: 'SELEC 1' });
  });

  it('maps an unknown database to ClickHouseError with the server code and a message without version framing', async () => {
    const error = await executor.command(sql`CREATE TABLE ${lit.databaseName('loupe_no_such_db')}.t (a UInt8) ENGINE = Memory`).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: ClickHouseErrorCode.UNKNOWN_DATABASE });
    const { serverMessage } = error as ClickHouseError;
    expect(serverMessage).toMatch(/^Database loupe_no_such_db do/);
    expect(serverMessage).not.toMatch(/Code:|e\.what|displayText/);
  });
});

describe('HTTP executor failures that never reach a server', () => {
  it('reports an unreachable server as ClickHouseError with code null', async () => {
    const executor = createClickHouseHttpExecutor({ url: 'http://127.0.0.1:1', requestTimeoutMs: 2_000 });
    try {
      await expect(executor.ping()).rejects.toMatchObject({ name: 'ClickHouseError', code: null });
      await expect(executor.query(sql`SELECT 1`)).rejects.toMatchObject({ name: 'ClickHouseError', code: null });
    } finally {
      await executor.close();
    }
  });

  it('times out a slow query as ClickHouseError with code null', async () => {
    const executor = createClickHouseHttpExecutor({ url: CLICKHOUSE_URL, requestTimeoutMs: 300 });
    try {
      await expect(executor.query(sql`SELECT sleep(2)`)).rejects.toMatchObject({ name: 'ClickHouseError', code: null });
    } finally {
      await executor.close();
    }
  });

  it('sends a SELECT again once on a fresh connection when a kept-alive socket was closed under it, and only once', async () => {
    // A stand-in for ClickHouse closing an idle keep-alive connection just as it is reused: every
    // connection answers its first request and drops its second without an answer.
    const served: number[] = [];
    let connections = 0;
    const server = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { loupeRequests?: number };
      socket.loupeRequests = (socket.loupeRequests ?? 0) + 1;
      req.resume();
      req.on('end', () => {
        if (socket.loupeRequests! > 1) return socket.destroy();
        served.push(connections);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('{"x":"1"}\n');
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const executor = createClickHouseHttpExecutor({ url: `http://127.0.0.1:${port}`, requestTimeoutMs: 2_000 });
    try {
      await expect(executor.query(sql`SELECT 1 AS x`)).resolves.toEqual([{ x: '1' }]);
      // Reuses the kept-alive socket, which is dropped: answered on a second connection.
      await expect(executor.query(sql`SELECT 1 AS x`)).resolves.toEqual([{ x: '1' }]);
      expect(served).toEqual([1, 2]);
      expect(connections).toBe(2);
    } finally {
      await executor.close();
      await new Promise((done) => server.close(done));
    }
  });
});

