import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { HTTPParser } from 'http-parser-js';
import { percentile } from './harness';

/**
 * An open-loop HTTP load generator: requests are sent on a fixed schedule (`rate` per
 * second, evenly spaced) whether or not earlier ones have been answered, and each
 * latency runs from the request's scheduled time to its last response byte, so time a
 * request spends waiting behind a slow server — for a free connection, in a queue —
 * counts against the server (no coordinated omission, as in wrk2).
 *
 * Why not autocannon's `overallRate`: each autocannon connection sends its share of the
 * second's requests back to back from the start of each second and then waits for the
 * next, so at 60% of the maximum it runs at saturation for 0.6 s of every second; and
 * its coordinated-omission correction takes the per-connection rate as a 1 ms expected
 * interval, adding phantom samples to every response slower than 1 ms. That measures
 * bursts at the maximum, not a server at 60% load (docs/serving.md "Performance").
 *
 * The generator shares the machine with the server it measures, so it is kept cheap:
 * `connections` keep-alive sockets opened before the clock starts, each request written
 * from a buffer rendered once, answers read by http-parser-js (the parser autocannon
 * uses) — about half the CPU per request of an undici `Pool` here (33–40 µs against
 * 65–85 µs at 5,000 req/s). One request at
 * a time per connection; when every connection is busy, due requests wait in order for
 * the next free one, and that wait counts in their latency. The schedule is driven by a
 * 1 ms timer: each tick sends every request whose time has come, so the timer's own
 * lateness also counts against the server, the same for every server measured.
 */

export interface OpenLoopRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OpenLoopResult {
  /** Requests scheduled (= rate × seconds). */
  sent: number;
  /** Answered with a 2xx. */
  ok: number;
  /** Answered with another status, or failed. */
  failed: number;
  /** The failures by status code, or 'lost' (the connection closed or failed first). */
  failures: Record<string, number>;
  /** Latency percentiles from the scheduled time, ms (2xx answers only). */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Answers per second achieved over the run. */
  achievedRate: number;
  /** This process's CPU time per request sent, µs: the generator's own share of the machine. */
  generatorCpuUs: number;
}

export interface OpenLoopOptions {
  url: string;
  /** Requests per second, spread evenly. */
  rate: number;
  seconds: number;
  /** Requests sent in turn (round robin). */
  requests: readonly OpenLoopRequest[];
  /** Keep-alive connections, all opened before the first request (default 64). */
  connections?: number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { rate, seconds, requests } = options;
  if (!(rate > 0) || !(seconds > 0) || requests.length === 0) throw new Error('openLoop needs a positive rate and duration and at least one request');
  const target = new URL(options.url);
  const host = target.hostname;
  const port = Number(target.port || 80);
  const rendered = requests.map((r) => render(r, target.host));
  // Opened one after another, as a client's pool grows: a server of several node:cluster
  // processes deals connections in turn to whichever process is free to take one, and a
  // burst of simultaneous connects can leave one process with most of them.
  const connections: Connection[] = [];
  for (let i = 0; i < (options.connections ?? 64); i++) connections.push(await open(host, port));

  const total = Math.max(1, Math.round(rate * seconds));
  const latencies = new Float64Array(total);
  const interval = 1000 / rate;
  let ok = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  let settled = 0;
  let next = 0;
  /** Due requests waiting for a free connection, by index. */
  const waiting: number[] = [];
  let waitingHead = 0;
  /**
   * Free connections, least recently used first: each request goes to the connection idle
   * longest, so requests spread evenly over all of them (and over a server's processes, to
   * which connections are dealt in turn); a stack would keep reusing a few.
   */
  const free = new FreeList(connections.length);
  let start = 0;
  const cpu0 = process.cpuUsage();

  await new Promise<void>((resolve) => {
    const send = (c: Connection, i: number) => {
      c.index = i;
      c.socket.write(rendered[i % rendered.length]!);
    };
    const settle = (c: Connection, status: number | 'lost') => {
      const now = performance.now();
      const good = status !== 'lost' && status >= 200 && status < 300;
      if (good) latencies[ok++] = now - (start + c.index * interval);
      else {
        failed += 1;
        failures[status] = (failures[status] ?? 0) + 1;
      }
      c.index = -1;
      settled += 1;
      if (settled === total) return resolve();
      if (!c.alive) return;
      if (waitingHead < waiting.length) send(c, waiting[waitingHead++]!);
      else free.push(c);
    };
    /** With every connection gone, requests still waiting or not yet due can never be sent: they fail. */
    const failStranded = () => {
      if (connections.some((c) => c.alive)) return;
      const stranded = waiting.length - waitingHead + (total - next);
      waitingHead = waiting.length;
      next = total;
      failed += stranded;
      if (stranded > 0) failures.lost = (failures.lost ?? 0) + stranded;
      settled += stranded;
      if (settled === total) resolve();
    };
    for (const c of connections) {
      c.onAnswer = (status) => settle(c, status);
      c.onLost = () => {
        // The connection is gone (the server closed it, or an error): its request failed.
        if (c.index >= 0) settle(c, 'lost');
        failStranded();
      };
      free.push(c);
    }
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (next < due) {
        let c = free.shift();
        while (c && !c.alive) c = free.shift();
        if (c) send(c, next++);
        else waiting.push(next++);
      }
      if (next < total) setTimeout(tick, 1);
    };
    // The clock starts on a freshly collected heap where the process allows it
    // (`openLoopProcess` runs with --expose-gc): a major collection of the generator's
    // heap during the run would delay sends and count against the server.
    (globalThis as { gc?: () => void }).gc?.();
    start = performance.now();
    tick();
  });
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const c of connections) c.socket.destroy();
  const sorted = Array.from(latencies.subarray(0, ok)).sort((a, b) => a - b);
  return {
    sent: total,
    ok,
    failed,
    failures,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    achievedRate: (ok + failed) / elapsed,
    generatorCpuUs: (cpu.user + cpu.system) / total,
  };
}

/**
 * `openLoop` in a Node process of its own: `warmupSeconds` at the same rate first (not
 * counted), then the measured run, each starting on a freshly collected heap.
 *
 * Why a process: in the benchmark's own process the generator shares its heap with
 * everything the benchmark did before (autocannon's runs, the seeding), and once that
 * heap's old generation filled, V8's incremental marking ran 4–13 ms steps in it about
 * every 400 ms of the measured window. Each step held the schedule, every request due
 * meanwhile was sent late, and the late sends counted against the server: one run's p99
 * of 26 ms was almost all of them (docs/serving.md "Measuring the p99"). The child's
 * heap holds only this run's state, and its young generation is large (64 MB semi-spaces)
 * so that the parser's short-lived objects die there.
 */
export function openLoopProcess(options: OpenLoopOptions, warmupSeconds = 0): Promise<OpenLoopResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-semi-space-size=64', '-r', '@swc-node/register', resolve(__dirname, 'open-loop-child.ts')], {
      cwd: resolve(__dirname, '..'),
      env: { ...process.env, SWC_NODE_PROJECT: resolve(__dirname, 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answered = false;
    child.once('message', (answer: { result: OpenLoopResult } | { error: string }) => {
      answered = true;
      if ('result' in answer) resolveResult(answer.result);
      else reject(new Error(answer.error));
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`the open-loop generator exited (${signal ?? code}) without an answer`));
    });
    child.send({ options, warmupSeconds });
  });
}

/** A fixed-capacity FIFO of connections (a ring). */
class FreeList {
  private readonly ring: (Connection | undefined)[];
  private head = 0;
  private size = 0;

  constructor(capacity: number) {
    this.ring = new Array<Connection | undefined>(capacity);
  }

  push(c: Connection): void {
    this.ring[(this.head + this.size) % this.ring.length] = c;
    this.size += 1;
  }

  shift(): Connection | undefined {
    if (this.size === 0) return undefined;
    const c = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.size -= 1;
    return c;
  }
}

function render(r: OpenLoopRequest, host: string): Buffer {
  const body = r.body === undefined ? undefined : Buffer.from(r.body);
  const lines = [`${r.method} ${r.path} HTTP/1.1`, `host: ${host}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(r.headers)) lines.push(`${name}: ${value}`);
  if (body) lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  return body ? Buffer.concat([head, body]) : head;
}

interface Connection {
  socket: Socket;
  /** The request in flight on it (its index in the schedule), or -1. */
  index: number;
  alive: boolean;
  onAnswer: (status: number) => void;
  onLost: () => void;
}

/**
 * The one buffer every connection of this process reads into (`onread`): each read is
 * parsed before the next one is made, and the parser copies what it keeps (header lines,
 * as strings), so nothing is allocated per read.
 *
 * Why: by default each read gets a Buffer of its own, memory outside V8's heap that is
 * only given back once a scavenge finds its Buffer dead. With this process's large young
 * generation, scavenges are seconds apart; at 15,000 answers a second of 3.6 KB (a serve
 * answer with three ads) that memory grows by 50 MB a second. In one traced run V8 ran
 * incremental marking steps of 3–5 ms about every 250 ms here. Each held the schedule
 * and the reading of answers, and counted against the server measured, the more so the
 * larger its answers: with the bare server's 27-byte bodies it never happened
 * (docs/serving.md "Session 20").
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** One keep-alive connection whose answers are parsed as they arrive; rejects when it cannot connect. */
function open(host: string, port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const parser = new HTTPParser(HTTPParser.RESPONSE);
    const socket = connect({
      host,
      port,
      noDelay: true,
      // Every read lands in one buffer, parsed before the next read (see READ_BUFFER).
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes, buffer) => {
          const result = parser.execute(buffer as Buffer, 0, bytes);
          if (result instanceof Error) socket.destroy(result);
          return true;
        },
      },
    });
    let status = 0;
    const c: Connection = { socket, index: -1, alive: true, onAnswer: () => undefined, onLost: () => undefined };
    parser[HTTPParser.kOnHeadersComplete] = (info) => {
      status = info.statusCode;
    };
    parser[HTTPParser.kOnBody] = () => undefined;
    parser[HTTPParser.kOnMessageComplete] = () => c.onAnswer(status);
    socket.once('connect', () => resolve(c));
    socket.on('error', reject); // after the connect: a no-op; 'close' follows
    socket.once('close', () => {
      c.alive = false;
      c.onLost();
    });
  });
}
