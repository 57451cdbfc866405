import type { HealthDependency } from '@loupe/contracts';

export interface DependencyHealth {
  status: 'up' | 'down';
  /** Round-trip time of the probe; null when it failed before answering. */
  latency_ms: number | null;
  message?: string;
}

/** A dependency check: resolves when the dependency answers, rejects otherwise. */
export type Probe = () => Promise<unknown>;

export class ProbeTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Runs one probe under a deadline and reports up/down with latency. A hung dependency
 * (e.g. a port that drops packets) must not hang the health endpoint.
 */
export async function checkDependency(probe: Probe, timeoutMs: number): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new ProbeTimeoutError(timeoutMs)), timeoutMs);
      }),
    ]);
    return { status: 'up', latency_ms: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { status: 'down', latency_ms: null, message: describe(err) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkDependencies(
  probes: Record<HealthDependency, Probe>,
  timeoutMs: number,
): Promise<Record<HealthDependency, DependencyHealth>> {
  const names = Object.keys(probes) as HealthDependency[];
  const results = await Promise.all(names.map((n) => checkDependency(probes[n], timeoutMs)));
  return Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<HealthDependency, DependencyHealth>;
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
