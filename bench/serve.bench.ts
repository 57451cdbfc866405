import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import { INTEREST_IDS } from '@loupe/contracts';
import { loadConfig } from '@loupe/server-core';
import { seeded, type BenchFigure, type BenchSize, type Benchmark } from './harness';
import { openLoopProcess, type OpenLoopRequest, type OpenLoopResult } from './open-loop';
import { busyShare, childrenCpuMs, cpuOutside, cpuShares, createPostgresDatabase, machineCpu, processStats, startApi, startBare, type Child, type OutsideCpu, type ProcessStat } from './processes';
import { startStallProbe, type StallCount } from './stall-probe';

/*
 * `bench/serve`: POST /internal/serve over HTTP under load, beside a bare node:http
 * server answering 200 in the same run (the most any Node HTTP server can do here).
 *
 * Both servers run as child processes on loopback ports, each with the same number of
 * processes (SERVE_PROCESSES, default one per core: the API with API_PROCESSES, the bare
 * server as node:cluster workers); autocannon drives them from this process at saturation,
 * the open-loop generator from a process of its own. The API gets a database of its own (created, migrated, dropped here)
 * seeded through its public API with ad groups of mixed billing and targeting, so every
 * request runs the whole path: index scan, targeting, auction, budget admission of the
 * winners (against the process's budget leases and views, Redis when one runs out or
 * expires: docs/serving.md "Budget leases"), signed URLs. No ad group has a frequency
 * cap, so no request needs Redis for one. Figures:
 *   1. throughput at saturation (closed loop, fixed connections), Loupe vs bare;
 *   2. p99 latency at 60% of Loupe's own maximum under open-loop load (`openLoopProcess`:
 *      requests on a fixed schedule, latency from the scheduled time), beside bare at
 *      the same rate and schedule, 30 s each at full size. An idle probe process
 *      (bench/stall-probe.ts) counts its late timers during each measured window, and
 *      how much of that lateness it spent waiting for a CPU, printed beside the p99.
 */

const SERVICE_KEY = 'bench-service-key-0123456789';
/** A timer of the idle probe this late counts as a stall (bench/stall-probe.ts). */
const STALL_MS = 5;
const stallText = (c: StallCount): string =>
  c.stalls === 0 ? 'none' : `${c.stalls} (longest ${c.maxMs.toFixed(0)} ms${c.waitingShare === null ? '' : `, ${Math.round(c.waitingShare * 100)}% of the late time runnable, waiting for a CPU`})`;

interface Plan {
  adGroups: number;
  connections: number;
  seconds: number;
  /** Seconds of each open-loop window (the p99), after its warm-up. */
  openLoopSeconds: number;
}

/**
 * Processes of each server (SERVE_PROCESSES, default one per core): the API with
 * API_PROCESSES, the bare server as as many node:cluster workers, so both have the
 * same share of the machine.
 */
function serverProcesses(): number {
  const given = Number(process.env.SERVE_PROCESSES);
  return Number.isInteger(given) && given >= 1 ? given : availableParallelism();
}
/**
 * Seconds of each open-loop window at full size (SERVE_OPEN_LOOP_SECONDS, default 30).
 * Slow requests come in episodes: a wait of tens of milliseconds for a CPU makes
 * hundreds of them, and over 10 s two or three episodes are the 1%. Over 30 s their
 * count varies less from run to run (docs/serving.md "Session 21").
 */
function openLoopSeconds(): number {
  const given = Number(process.env.SERVE_OPEN_LOOP_SECONDS);
  return Number.isInteger(given) && given >= 1 ? given : 30;
}
const PLANS: Record<BenchSize, Plan> = {
  tiny: { adGroups: 6, connections: 4, seconds: 1, openLoopSeconds: 1 },
  full: { adGroups: 300, connections: 32, seconds: 10, openLoopSeconds: openLoopSeconds() },
};

async function call(url: string, method: string, path: string, body: unknown, token?: string): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as unknown;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

/** Ad groups of mixed billing (60% CPC), bids and targeting, each with one approved ad; budgets far from running out. */
export async function seed(api: string, adGroups: number): Promise<void> {
  const next = seeded(42);
  const signup = (await call(api, 'POST', '/v5/auth/signup', {
    email: `bench-${randomUUID()}@bench.loupe.dev`,
    password: 'correct horse battery',
    business_name: 'Bench',
    ad_account: { name: 'Bench', country: 'US', currency: 'USD', timezone: 'UTC' },
  })) as { access_token: string; ad_account_id: string };
  const token = signup.access_token;
  const account = `/v5/ad_accounts/${signup.ad_account_id}`;
  const campaigns = (await call(api, 'POST', `${account}/campaigns`, [
    { name: 'Awareness', objective_type: 'AWARENESS' },
    { name: 'Consideration', objective_type: 'CONSIDERATION' },
  ], token)) as { items: { data: { id: string } }[] };
  const [awareness, consideration] = campaigns.items.map((i) => i.data.id);
  const pin = (await call(api, 'POST', '/v5/pins', {
    title: 'Linen sofa',
    description: 'A sofa for slow Sundays',
    link: 'https://shop.example.com/sofa',
    media_source: { source_type: 'image_url', url: 'https://cdn.example.com/sofa.jpg' },
  }, token)) as { id: string };
  const groups = Array.from({ length: adGroups }, (_, i) => {
    const cpc = next() < 0.6;
    const targeting: Record<string, string[]> = {};
    if (next() < 0.5) targeting.LOCATION = [next() < 0.7 ? 'US' : 'GB'];
    if (next() < 0.4) targeting.INTEREST = [INTEREST_IDS[Math.floor(next() * INTEREST_IDS.length)]!];
    if (next() < 0.2) targeting.GENDER = [next() < 0.5 ? 'female' : 'male'];
    return {
      name: `Bench ${i}`,
      campaign_id: cpc ? consideration : awareness,
      billable_event: cpc ? 'CLICKTHROUGH' : 'IMPRESSION',
      budget_in_micro_currency: 1_000_000_000_000,
      bid_in_micro_currency: cpc ? 150_000 + Math.floor(next() * 2_000_000) : 3_000_000 + Math.floor(next() * 20_000_000),
      pacing_delivery_type: next() < 0.5 ? 'ACCELERATED' : 'STANDARD',
      targeting_spec: targeting,
    };
  });
  const ids: string[] = [];
  for (let i = 0; i < groups.length; i += 30) {
    const created = (await call(api, 'POST', `${account}/ad_groups`, groups.slice(i, i + 30), token)) as { items: { data?: { id: string }; exceptions: unknown[] }[] };
    for (const item of created.items) {
      if (!item.data) throw new Error(`bench ad group refused: ${JSON.stringify(item.exceptions)}`);
      ids.push(item.data.id);
    }
  }
  for (let i = 0; i < ids.length; i += 30) {
    await call(api, 'POST', `${account}/ads`, ids.slice(i, i + 30).map((id) => ({ ad_group_id: id, pin_id: pin.id, creative_type: 'REGULAR' })), token);
  }
}

/** Serve requests from a small pool of users (frequency caps are not set, so repeats cost nothing extra). */
export function serveRequests(): OpenLoopRequest[] {
  const next = seeded(7);
  return Array.from({ length: 50 }, (_, i) => ({
    method: 'POST',
    path: '/internal/serve',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_KEY}` },
    body: JSON.stringify({
      placement: next() < 0.8 ? 'BROWSE' : 'SEARCH',
      slots: 3,
      user: {
        id: `bench-user-${i}`,
        interests: [INTEREST_IDS[Math.floor(next() * INTEREST_IDS.length)]!],
        location: next() < 0.7 ? 'US-CA' : 'GB',
        gender: next() < 0.5 ? 'female' : 'male',
        age_bucket: '25-34',
        device: 'iphone',
        keywords: 'linen sofa',
      },
    }),
  }));
}

/** Closed loop at saturation: `plan.connections` connections, each sending its next request on each answer. */
function load(url: string, plan: Plan): Promise<autocannon.Result> {
  return autocannon({ url, connections: plan.connections, duration: plan.seconds, requests: serveRequests() });
}

/** Seconds of open-loop load at the measured rate before each measured run (full size). */
const WARMUP_SECONDS = 2;

/**
 * Open loop at `rate` req/s on a fixed schedule (bench/open-loop.ts), from a process of its
 * own; at full size it first runs 2 s at the same rate, not counted, so that each measured
 * run starts with the generator warm (as the closed-loop runs above).
 */
function loadAt(url: string, plan: Plan, rate: number, size: BenchSize): Promise<OpenLoopResult> {
  return openLoopProcess({ url, rate, seconds: plan.openLoopSeconds, requests: serveRequests() }, size === 'full' ? WARMUP_SECONDS : 0);
}

/** One server's open-loop run at the measured rate, and what the machine did meanwhile. */
interface Window {
  result: OpenLoopResult;
  stalls: StallCount;
  /** Share of the machine's CPU time busy over the run and its warm-up (null without /proc). */
  machineBusy: number | null;
  /** The server's CPU time per request over the run and its warm-up, all its processes, µs. */
  serverUsPerRequest: number | null;
  /**
   * How the server's processes shared that CPU time, largest first. Connections stay with
   * the process node:cluster dealt them to, and requests follow connections, so an uneven
   * deal loads one process more than the rest.
   */
  processShares: number[] | null;
  /**
   * CPU time the machine's other processes used over the run and its warm-up (its
   * services, kernel threads, anything else running), and by whom: a burst of theirs
   * takes a core from the servers and the generator (docs/serving.md "Session 24").
   */
  outside: OutsideCpu | null;
}

const percent = (share: number | null): string => (share === null ? 'unknown' : `${Math.round(share * 100)}%`);
const microseconds = (us: number | null): string => (us === null ? 'unknown' : `${us.toFixed(0)} µs`);
const split = (shares: number[] | null): string => (shares === null ? 'unknown' : shares.map((x) => Math.round(x * 100)).join('/'));
const outsideText = (o: OutsideCpu | null): string =>
  o === null ? 'unknown' : `${Math.round(o.totalMs).toLocaleString('en-US')} ms${o.byName.length ? ` (${o.byName.slice(0, 3).map((n) => `${n.name} ${Math.round(n.ms)}`).join(', ')})` : ''}`;
/** Every live process's CPU so far, or null where /proc is missing. */
function processesNow(): Map<number, ProcessStat> | null {
  try {
    return processStats();
  } catch {
    return null;
  }
}

export const serveBenchmark: Benchmark = {
  name: 'serve',
  async run(size: BenchSize): Promise<BenchFigure[]> {
    const plan = PLANS[size];
    const processes = serverProcesses();
    const config = loadConfig();
    const db = await createPostgresDatabase(config.postgres.url);
    const children: Child[] = [];
    try {
      const api = await startApi({
        DATABASE_URL: db.url,
        SERVICE_KEY,
        API_PROCESSES: String(processes),
        RATE_LIMIT_WRITE_PER_MINUTE: '100000',
        RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      });
      children.push(api.child);
      const bare = await startBare('application/json', Buffer.from('{"auction_id":"x","ads":[]}').toString('base64'), processes);
      children.push(bare.child);
      await seed(api.url, plan.adGroups);
      // The management writes reach the index by pub/sub: wait until it serves.
      for (let i = 0; i < 100; i++) {
        const res = (await call(api.url, 'POST', '/internal/serve', { placement: 'BROWSE', slots: 3, user: { id: 'warm', location: 'US' } }, SERVICE_KEY)) as { ads: unknown[] };
        if (res.ads.length > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (size === 'full') {
        // Warm-up: JIT, connection pools, Redis scripts.
        await load(api.url, { ...plan, seconds: 2 });
        await load(bare.url, { ...plan, seconds: 2 });
      }

      const bareCpu0 = bare.child.cpuMs();
      const bareMax = await load(bare.url, plan);
      const bareCpu = bare.child.cpuMs();
      const loupeCpu0 = api.child.cpuMs();
      const loupeSplit0 = api.child.cpuSplitMs();
      const loupeMax = await load(api.url, plan);
      const loupeCpu = api.child.cpuMs();
      const loupeSplit = api.child.cpuSplitMs();
      if (loupeMax.non2xx > 0 || loupeMax.errors > 0) throw new Error(`serve answered ${loupeMax.non2xx} non-2xx and ${loupeMax.errors} errors under load`);
      const rate = Math.max(1, Math.floor(loupeMax.requests.average * 0.6));
      // How long any process could wait to run during each measured window: an idle probe.
      const probe = await startStallProbe(STALL_MS);
      children.push(probe.child);
      // Also how busy the whole machine was (the generator's warm-up included), and the
      // server's CPU per request at this rate: less batching per wake-up than at
      // saturation makes each request dearer, so "60% of the maximum" can keep the
      // machine's two cores nearly full (docs/serving.md "Measuring the p99").
      const measured = async (url: string, server: Child): Promise<Window> => {
        const machine0 = machineCpu();
        const cpu0 = server.cpuMs();
        const workers0 = childrenCpuMs(server.pid);
        const processes0 = processesNow();
        const result = await loadAt(url, plan, rate, size);
        const cpu = server.cpuMs();
        const workers = childrenCpuMs(server.pid);
        const processes1 = processesNow();
        const end = Date.now();
        const requests = rate * (plan.openLoopSeconds + (size === 'full' ? WARMUP_SECONDS : 0));
        return {
          result,
          stalls: probe.between(end - plan.openLoopSeconds * 1000, end),
          machineBusy: busyShare(machine0, machineCpu()),
          serverUsPerRequest: cpu0 !== null && cpu !== null ? ((cpu - cpu0) * 1000) / requests : null,
          processShares: processes > 1 ? cpuShares(workers0, workers) : null,
          // This process's tree holds both servers, the generator and the probe.
          outside: processes0 && processes1 ? cpuOutside(processes0, processes1, [process.pid]) : null,
        };
      };
      const loupeWindow = await measured(api.url, api.child);
      const bareWindow = await measured(bare.url, bare.child);
      const [loupeAt60, loupeStalls, bareAt60, bareStalls] = [loupeWindow.result, loupeWindow.stalls, bareWindow.result, bareWindow.stalls];
      if (loupeAt60.failed > 0) throw new Error(`serve failed ${loupeAt60.failed} of ${loupeAt60.sent} requests at ${rate} req/s: ${JSON.stringify(loupeAt60.failures)}`);
      const p99 = (r: OpenLoopResult) => Number(r.p99.toFixed(2));
      const throughputRatio = loupeMax.requests.average / bareMax.requests.average;
      // CPU per request of each server process: on a shared, overloaded machine the
      // throughput above mostly measures the neighbours; CPU time per request does not.
      const cpuFigures: BenchFigure[] = [];
      if (bareCpu0 !== null && bareCpu !== null && loupeCpu0 !== null && loupeCpu !== null && bareCpu > bareCpu0 && loupeCpu > loupeCpu0) {
        const loupeUs = ((loupeCpu - loupeCpu0) * 1000) / loupeMax.requests.total;
        const kernelUs = loupeSplit && loupeSplit0 ? ((loupeSplit.system - loupeSplit0.system) * 1000) / loupeMax.requests.total : null;
        const bareUs = ((bareCpu - bareCpu0) * 1000) / bareMax.requests.total;
        cpuFigures.push({
          benchmark: 'serve',
          metric: `server CPU time per request at saturation, all its processes${kernelUs === null ? '' : `, ${kernelUs.toFixed(1)} µs of it in the kernel`} (1 / this = req/s a free core could serve)`,
          value: loupeUs,
          unit: 'µs',
          baseline: 'bare node:http 200',
          baselineValue: bareUs,
          ratio: loupeUs / bareUs,
        });
      }
      return [
        ...cpuFigures,
        {
          benchmark: 'serve',
          metric: `POST /internal/serve throughput at saturation, req/s (${plan.adGroups} ad groups, 3 slots, ${plan.connections} connections, ${processes} process${processes === 1 ? '' : 'es'} each)`,
          value: loupeMax.requests.average,
          unit: 'req/s',
          baseline: `bare node:http 200, ${processes} process${processes === 1 ? '' : 'es'}`,
          baselineValue: bareMax.requests.average,
          ratio: throughputRatio,
          target: 'throughput ≥ 35% of bare',
          met: throughputRatio >= 0.35,
        },
        {
          benchmark: 'serve',
          metric: `p99 latency at 60% of Loupe's max (${rate.toLocaleString('en-US')} req/s for ${plan.openLoopSeconds} s, open loop, from each request's scheduled time; Loupe p50 ${loupeAt60.p50.toFixed(2)} ms (bare ${bareAt60.p50.toFixed(2)} ms), p99.9 ${loupeAt60.p999.toFixed(1)} ms, max ${loupeAt60.max.toFixed(1)} ms; generator ${loupeAt60.generatorCpuUs.toFixed(0)} µs CPU per request; late timers over ${STALL_MS} ms of an idle probe process: ${stallText(loupeStalls)} during Loupe's run, ${stallText(bareStalls)} during bare's; machine CPU busy ${percent(loupeWindow.machineBusy)} during Loupe's run, ${percent(bareWindow.machineBusy)} during bare's; Loupe's CPU per request at this rate ${microseconds(loupeWindow.serverUsPerRequest)}, bare's ${microseconds(bareWindow.serverUsPerRequest)}; CPU of the machine's other processes (services, kernel threads) over each run and its warm-up: ${outsideText(loupeWindow.outside)} during Loupe's, ${outsideText(bareWindow.outside)} during bare's${processes > 1 ? `; CPU split over the processes, % (they keep the connections dealt to them): Loupe ${split(loupeWindow.processShares)}, bare ${split(bareWindow.processShares)}` : ''})`,
          value: p99(loupeAt60),
          unit: 'ms',
          baseline: 'bare node:http at the same rate',
          baselineValue: p99(bareAt60),
          ratio: p99(loupeAt60) / p99(bareAt60),
          target: 'p99 ≤ 10 ms',
          met: p99(loupeAt60) <= 10,
        },
      ];
    } finally {
      await Promise.all(children.map((c) => c.stop()));
      await db.drop();
    }
  },
};
