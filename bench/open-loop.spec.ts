import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openLoop, openLoopProcess } from './open-loop';

let server: Server | undefined;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const GET = [{ method: 'GET' as const, path: '/', headers: {} }];

/** A server whose first answer blocks its thread for `ms`: nothing else is answered meanwhile. */
function listenStallingOnce(ms: number): Promise<string> {
  let stalled = false;
  return listen((_req, res) => {
    if (!stalled) {
      stalled = true;
      const until = Date.now() + ms;
      while (Date.now() < until) {
        // busy: the event loop cannot answer anything else
      }
    }
    res.end('ok');
  });
}

describe('openLoop', () => {
  it('sends rate × seconds requests on schedule, in turn, with their bodies, whatever the answers', async () => {
    const seen: string[] = [];
    const url = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(req.url === '/fail' ? 500 : 200).end('ok');
      });
    });
    const result = await openLoop({
      url,
      rate: 200,
      seconds: 0.5,
      requests: [
        { method: 'POST', path: '/a', headers: { 'content-type': 'text/plain' }, body: 'one' },
        { method: 'GET', path: '/fail', headers: {} },
      ],
    });
    expect(result.sent).toBe(100);
    expect(result.ok).toBe(50);
    expect(result.failed).toBe(50);
    expect(result.failures).toEqual({ 500: 50 });
    expect(seen.filter((s) => s === 'POST /a one')).toHaveLength(50);
    expect(seen.filter((s) => s === 'GET /fail ')).toHaveLength(50);
    expect(result.p50).toBeGreaterThan(0);
    expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    expect(result.max).toBeGreaterThanOrEqual(result.p999);
  });

  it('reads answers larger than its read buffer, split over many reads and interleaved across connections', async () => {
    // 150 KB bodies (the read buffer holds 64 KB), chunked, each in three writes: every
    // answer must be parsed whole and with its own status.
    const piece = 'x'.repeat(50 * 1024);
    let n = 0;
    const url = await listen((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = n++ % 3 === 0 ? 503 : 200;
        res.socket!.cork();
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.write(piece);
        res.socket!.uncork();
        setImmediate(() => {
          res.write(piece);
          setImmediate(() => res.end(piece));
        });
      });
    });
    const result = await openLoop({ url, rate: 300, seconds: 0.5, requests: GET, connections: 8 });
    expect(result.sent).toBe(150);
    expect(result.ok).toBe(100);
    expect(result.failures).toEqual({ 503: 50 });
  });

  it('counts a stalled server against every request scheduled during the stall (no coordinated omission)', async () => {
    // One answer blocks the server's thread for 300 ms. A closed-loop client would send
    // nothing during the stall and record one slow answer; on a fixed schedule ~60
    // requests fall due in it and each waits for it to end.
    const url = await listenStallingOnce(300);
    const result = await openLoop({ url, rate: 200, seconds: 1, requests: GET, connections: 4 });
    expect(result.ok).toBe(200);
    expect(result.max).toBeGreaterThanOrEqual(250);
    // The ~40 requests due in the stall's first 200 ms (20% of 200) each waited over 100 ms.
    expect(result.p99).toBeGreaterThan(100);
  });

  it('spreads requests evenly over its connections, each to the one idle longest', async () => {
    const byConnection = new Map<number, number>();
    const url = await listen((req, res) => {
      const port = req.socket.remotePort!;
      byConnection.set(port, (byConnection.get(port) ?? 0) + 1);
      res.end('ok');
    });
    const result = await openLoop({ url, rate: 200, seconds: 0.5, requests: GET, connections: 5 });
    expect(result.ok).toBe(100);
    expect([...byConnection.values()]).toEqual([20, 20, 20, 20, 20]);
  });

  it('refuses a plan without a rate, a duration or requests', async () => {
    await expect(openLoop({ url: 'http://127.0.0.1:9', rate: 0, seconds: 1, requests: GET })).rejects.toThrow(/positive rate/);
    await expect(openLoop({ url: 'http://127.0.0.1:9', rate: 10, seconds: 1, requests: [] })).rejects.toThrow(/at least one request/);
  });

  it('refuses to start when it cannot connect', async () => {
    const url = await listen((_req, res) => res.end());
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await expect(openLoop({ url, rate: 100, seconds: 0.1, requests: GET })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('counts requests on connections the server closes as failed, and the rest after every connection is gone', async () => {
    // The server answers 20 requests, then closes each connection as its next request arrives.
    let answered = 0;
    const url = await listen((req, res) => {
      if (answered >= 20) return req.socket.destroy();
      answered += 1;
      res.end('ok');
    });
    const result = await openLoop({ url, rate: 200, seconds: 0.5, requests: GET, connections: 3 });
    expect(result.sent).toBe(100);
    expect(result.ok).toBe(20);
    expect(result.failed).toBe(80);
    expect(result.failures).toEqual({ lost: 80 });
  });
});

describe('openLoopProcess', () => {
  it('runs the warm-up and then the measured run in a process of its own, and answers the measured run only', async () => {
    let served = 0;
    const url = await listen((_req, res) => {
      served += 1;
      res.end('ok');
    });
    const result = await openLoopProcess({ url, rate: 200, seconds: 0.5, requests: GET, connections: 5 }, 0.25);
    expect(result.sent).toBe(100);
    expect(result.ok).toBe(100);
    // The warm-up's 50 requests reached the server too, but are not in the result.
    expect(served).toBe(150);
    expect(result.p99).toBeGreaterThan(0);
    expect(result.generatorCpuUs).toBeGreaterThan(0);
  });

  it('counts a stall of the server from its own process too', async () => {
    const url = await listenStallingOnce(300);
    const result = await openLoopProcess({ url, rate: 200, seconds: 1, requests: GET, connections: 4 });
    expect(result.ok).toBe(200);
    expect(result.p99).toBeGreaterThan(100);
  });

  it('rejects with the child\'s error when it cannot connect', async () => {
    const url = await listen((_req, res) => res.end());
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await expect(openLoopProcess({ url, rate: 100, seconds: 0.1, requests: GET })).rejects.toThrow(/ECONNREFUSED/);
  });
});
