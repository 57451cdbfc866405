import cluster, { type Worker } from 'node:cluster';

/** How the supervisor reports: one line per event, on stderr like the API's start-up failures. */
export type SupervisorLog = (message: string) => void;

export interface SupervisorOptions {
  /** Processes to keep running. */
  processes: number;
  /** Called once, when every process first listens. */
  onListening: () => void;
  log: SupervisorLog;
  /** A process that exits within this time of its start counts as a crash at start-up. */
  quickExitMs?: number;
  /** After this many crashes at start-up in a row the supervisor gives up (exit 1): a bad deploy, not bad luck. */
  maxQuickExits?: number;
  /** A process that has not exited this long after SIGTERM is killed. */
  stopTimeoutMs?: number;
}

/**
 * Runs the API as `processes` node:cluster workers sharing one listening port
 * (docs/operations.md "API processes"). This process only supervises: it answers no
 * request and holds no state.
 *
 * - Each worker is a whole API (`createApp`): its own serving index, budget leases,
 *   group commits and connections. Everything they share lives in Redis and Postgres,
 *   as between API processes on different machines (docs/serving.md).
 * - A worker that exits unexpectedly is replaced, after a back-off that grows while
 *   workers keep dying at start-up; after `maxQuickExits` such deaths in a row the
 *   supervisor stops the rest and exits 1 (a configuration that cannot start).
 * - SIGTERM or SIGINT stops every worker with one SIGTERM (each shuts down gracefully:
 *   in-flight requests, event group commits, budget lease give-backs) and exits 0 once
 *   they are gone; workers ignore SIGINT, so a terminal's Ctrl-C reaches them once.
 */
export function superviseApiProcesses(options: SupervisorOptions): void {
  const quickExitMs = options.quickExitMs ?? 10_000;
  const maxQuickExits = options.maxQuickExits ?? 5;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const startedAt = new Map<Worker, number>();
  let listening = 0;
  let announced = false;
  let quickExits = 0;
  let stopping = false;
  let exitCode = 0;

  const fork = (): void => {
    if (stopping) return;
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
  };
  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    const workers = alive();
    if (workers.length === 0) process.exit(exitCode);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of alive()) {
        options.log(`API process ${worker.process.pid} did not stop within ${stopTimeoutMs} ms; killing it`);
        worker.process.kill('SIGKILL');
      }
    }, stopTimeoutMs).unref();
  };

  cluster.on('listening', (worker) => {
    listening++;
    if (announced) options.log(`API process ${worker.process.pid} listening`);
    else if (listening >= options.processes) {
      announced = true;
      options.onListening();
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      if (alive().length === 0) process.exit(exitCode);
      return;
    }
    quickExits = lived < quickExitMs ? quickExits + 1 : 0;
    if (quickExits >= maxQuickExits) {
      options.log(`API process ${worker.process.pid} exited (${signal ?? code}); ${quickExits} processes in a row died within ${quickExitMs} ms of starting, giving up`);
      stop(1);
      return;
    }
    const delayMs = quickExits === 0 ? 0 : Math.min(5_000, 250 * 2 ** (quickExits - 1));
    options.log(`API process ${worker.process.pid} exited (${signal ?? code}); starting another${delayMs ? ` in ${delayMs} ms` : ''}`);
    setTimeout(fork, delayMs);
  });
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));

  for (let i = 0; i < options.processes; i++) fork();
}
