import { startChild, type Child } from './processes';

/*
 * A probe of the machine, not of Loupe: a Node process that does nothing but run a 1 ms
 * timer and report each time it fired late by more than `thresholdMs`. Run beside a
 * latency measurement, it tells the machine's own stalls from the server's: on the
 * 2-vCPU VMs these benches run on, every process, idle ones included, misses its timers
 * at the same instants (docs/serving.md "Measuring the p99"), and a server's p99 cannot
 * be below the stalls it sits through.
 */

export interface StallCount {
  /** Timer gaps over the threshold in the window. */
  stalls: number;
  /** The longest, ms (0 without any). */
  maxMs: number;
}

export interface StallProbe {
  /** The stalls that ended in [fromMs, toMs] (wall clock, `Date.now()`). */
  between(fromMs: number, toMs: number): StallCount;
  stop(): Promise<void>;
}

const READY = 'stall probe ready';

/** The probe's script: one line `stall <ended at, epoch ms> <late by, ms>` per late timer. */
function script(thresholdMs: number): string {
  return [
    `let last = performance.now();`,
    `setInterval(() => {`,
    `  const now = performance.now();`,
    `  const late = now - last - 1;`,
    `  last = now;`,
    `  if (late > ${thresholdMs}) process.stdout.write('stall ' + Date.now() + ' ' + late.toFixed(1) + '\\n');`,
    `}, 1);`,
    `process.on('SIGTERM', () => process.exit(0));`,
    `console.log(${JSON.stringify(READY)});`,
  ].join('\n');
}

/** Counts the probe output's stalls that ended in [fromMs, toMs]. */
export function stallsBetween(output: string, fromMs: number, toMs: number): StallCount {
  let stalls = 0;
  let maxMs = 0;
  for (const line of output.split('\n')) {
    const [word, at, late] = line.split(' ');
    if (word !== 'stall') continue;
    const endedAt = Number(at);
    if (!(endedAt >= fromMs && endedAt <= toMs)) continue;
    stalls++;
    maxMs = Math.max(maxMs, Number(late));
  }
  return { stalls, maxMs };
}

export async function startStallProbe(thresholdMs = 8): Promise<StallProbe & { child: Child }> {
  const child = await startChild(['-e', script(thresholdMs)], { ...process.env, NODE_OPTIONS: '' }, (output) => output.includes(READY));
  return {
    child,
    between: (fromMs, toMs) => stallsBetween(child.output(), fromMs, toMs),
    stop: () => child.stop(),
  };
}
