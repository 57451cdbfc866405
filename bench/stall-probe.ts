import { startChild, type Child } from './processes';

/*
 * A probe of the machine, not of Loupe: a Node process that does nothing but run a 1 ms
 * timer and report each time it fired late by more than `thresholdMs`. Run beside a
 * latency measurement, it tells how long any process here could wait to run: a server's
 * p99 cannot be below the waits it sits through.
 *
 * With each late timer it reports how much of the lateness it spent runnable in the
 * kernel's run queue (Linux: /proc/self/schedstat). Near all of it: both CPUs were busy
 * with other processes of this guest (the benchmark's own, the server's included).
 * Near none: the probe was not runnable, or its CPU did not run at all (a stopped
 * process, a vCPU the host did not schedule). On the 2-vCPU VMs these benches run on,
 * the late timers during a serve window were run-queue waits (docs/serving.md
 * "Session 21").
 */

export interface StallCount {
  /** Timer gaps over the threshold in the window. */
  stalls: number;
  /** The longest, ms (0 without any). */
  maxMs: number;
  /**
   * The share of those gaps' lateness the probe spent runnable, waiting for a CPU;
   * null without stalls or where the kernel does not say (no /proc/self/schedstat).
   */
  waitingShare: number | null;
}

export interface StallProbe {
  /** The stalls that ended in [fromMs, toMs] (wall clock, `Date.now()`). */
  between(fromMs: number, toMs: number): StallCount;
  stop(): Promise<void>;
}

const READY = 'stall probe ready';

/**
 * The probe's script: one line `stall <ended at, epoch ms> <late by, ms> <waited, ms>` per
 * late timer, where `waited` is the time it spent runnable in the run queue since the
 * previous tick (`-` where /proc/self/schedstat cannot be read). The file is read with
 * one pread per tick on a descriptor kept open.
 */
function script(thresholdMs: number): string {
  return [
    `const fs = require('node:fs');`,
    `let fd = -1;`,
    `try { fd = fs.openSync('/proc/self/schedstat', 'r'); } catch {}`,
    `const buf = Buffer.alloc(128);`,
    `const waited = () => { if (fd < 0) return NaN; const n = fs.readSync(fd, buf, 0, buf.length, 0); return Number(buf.toString('latin1', 0, n).split(' ')[1]) / 1e6; };`,
    `let last = performance.now();`,
    `let wait0 = waited();`,
    `setInterval(() => {`,
    `  const now = performance.now();`,
    `  const wait = waited();`,
    `  const late = now - last - 1;`,
    `  last = now;`,
    `  if (late > ${thresholdMs}) process.stdout.write('stall ' + Date.now() + ' ' + late.toFixed(1) + ' ' + (Number.isFinite(wait - wait0) ? (wait - wait0).toFixed(1) : '-') + '\\n');`,
    `  wait0 = wait;`,
    `}, 1);`,
    `process.on('SIGTERM', () => process.exit(0));`,
    `console.log(${JSON.stringify(READY)});`,
  ].join('\n');
}

/** Counts the probe output's stalls that ended in [fromMs, toMs]. */
export function stallsBetween(output: string, fromMs: number, toMs: number): StallCount {
  let stalls = 0;
  let maxMs = 0;
  let lateMs = 0;
  let waitedMs = 0;
  let waitKnown = true;
  for (const line of output.split('\n')) {
    const [word, at, late, waited] = line.split(' ');
    if (word !== 'stall') continue;
    const endedAt = Number(at);
    if (!(endedAt >= fromMs && endedAt <= toMs)) continue;
    stalls++;
    maxMs = Math.max(maxMs, Number(late));
    lateMs += Number(late);
    const w = Number(waited);
    if (waited === undefined || !Number.isFinite(w)) waitKnown = false;
    else waitedMs += w;
  }
  // The run-queue time covers the whole gap between two ticks (the lateness and the
  // 1 ms period), so the share is capped at 1.
  const waitingShare = stalls > 0 && waitKnown && lateMs > 0 ? Math.min(1, waitedMs / lateMs) : null;
  return { stalls, maxMs, waitingShare };
}

export async function startStallProbe(thresholdMs = 8): Promise<StallProbe & { child: Child }> {
  const child = await startChild(['-e', script(thresholdMs)], { ...process.env, NODE_OPTIONS: '' }, (output) => output.includes(READY));
  return {
    child,
    between: (fromMs, toMs) => stallsBetween(child.output(), fromMs, toMs),
    stop: () => child.stop(),
  };
}
