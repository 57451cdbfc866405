/**
 * `npm run bench`: runs every benchmark at full size, prints the table of figures with
 * their same-run baselines and ratios, and writes it to docs/performance.md.
 * `BENCH_SIZE=tiny` runs them small (the test suite does this so none of them rots).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { BENCHMARKS } from './benchmarks';
import { renderTable, type BenchFigure, type BenchSize } from './harness';

async function main(): Promise<void> {
  const size: BenchSize = process.env.BENCH_SIZE === 'tiny' ? 'tiny' : 'full';
  // Shared machines are noisy: the load when the run started goes into the report.
  const loadAtStart = loadavg()[0]!;
  const only = process.argv[2];
  const figures: BenchFigure[] = [];
  for (const bench of BENCHMARKS.filter((b) => !only || b.name === only)) {
    process.stdout.write(`running ${bench.name} (${size})…\n`);
    figures.push(...(await bench.run(size)));
  }
  const table = renderTable(figures);
  process.stdout.write(`\n${table}\n`);
  if (size === 'full' && !only) {
    const doc = `# Performance

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${process.platform}/${process.arch},
${cpus().length} CPUs, load average ${loadAtStart.toFixed(1)} when the run started).
Every figure stands beside a baseline measured in the same run on the same machine; the
machines are shared and noisy, so compare ratios, not absolute times.

${table}

## What each benchmark measures

- **auction**: the pure engine (\`libs/auction\`, eligibility already decided) ranking and
  pricing 3 slots over 10, 1,000 and 10,000 candidates, against a plain top-two scan of
  the same array (the least work any auction must do).
- **serve**: \`POST /internal/serve\` over HTTP (a spawned API process with its own
  database, seeded through the API with 300 ad groups of mixed billing and targeting;
  every request runs index scan, targeting, auction, Redis reservations and URL signing)
  driven by autocannon on loopback, against a bare node:http server answering 200 in the
  same run: throughput at saturation, then p99 latency at 60% of Loupe's own maximum
  (rate-limited, coordinated-omission corrected). Details: docs/serving.md.
- **ingest**: the event pipeline (a spawned API and a spawned worker with their own
  Postgres database, ClickHouse database and Redis queue prefix). Events per second
  through HTTP beacon → queue → ClickHouse beside raw ClickHouse inserts of the same rows
  at the worker's batch size and BullMQ's own addBulk rate; the worker stage alone
  (a pre-filled queue drained) against the raw inserts; \`GET /t/i/<token>\` at
  saturation (a new signed impression per request) against a bare node:http server
  answering the same GIF; then a soak at half the beacon maximum (10 minutes;
  \`SOAK_SECONDS\` overrides) measuring each event's time from its 2xx to being found
  by a SELECT (p99), and the active parts of \`events\` sampled every second.
  Details: docs/pipeline.md, "Benchmark".
- **report**: the dashboard's reads (MeasureStore.read over rollupSql FINAL: account
  TOTAL and DAY series over 90 days, campaign breakdown, five quarters by QUARTER for
  quarter-over-quarter) p95 over repeated runs, beside the same question of the raw
  \`events\` table FINAL in the same run, on a fresh ClickHouse database holding
  \`BENCH_REPORT_EVENTS\` (default 100 million) events generated inside ClickHouse from
  numbers() and rolled up in bulk with the rollup SQL's expressions (sample hours
  checked against recomputeRollupHour; both answers must agree). Details: docs/reports.md.
- **export**: the real route \`GET /v5/ad_accounts/{id}/finance/billable_events\` of a
  spawned API (its own Postgres and ClickHouse databases; two accounts signed up through
  the API, 1 million and 10 million billed events generated inside ClickHouse) beside
  ClickHouse's own FORMAT CSV of the same SELECT over HTTP (what \`curl\` fetches), in the
  same run: rows/s at 10 million rows, peak RSS of the API process after the 1-million-
  and after the 10-million-row download, time to first byte. Details: docs/exports.md.
- **overview**: the dashboard's Overview in Debian's Chromium (playwright-core, a cold
  browser context per load) served by a spawned API from a production web build (its own
  Postgres and ClickHouse databases): navigation → interactive (every section drawn with
  its figures, then a key press handled by the page), p50 and p95 over 15 loads, for an
  account holding a year of hourly events (generated inside ClickHouse, rolled up by
  recomputeRollupRange) beside a fresh empty account in the same run; target p95 ≤
  2,000 ms. Details: docs/web.md, "Speed of the Overview".
`;
    writeFileSync(resolve(__dirname, '../docs/performance.md'), doc);
    process.stdout.write('\nwrote docs/performance.md\n');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
