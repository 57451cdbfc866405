import { auctionBenchmark } from './auction.bench';
import { exportBenchmark } from './export.bench';
import type { Benchmark } from './harness';
import { ingestBenchmark } from './ingest.bench';
import { overviewBenchmark } from './overview.bench';
import { reportBenchmark } from './report.bench';
import { serveBenchmark } from './serve.bench';

/** Every benchmark `npm run bench` runs, in order. Add new ones here. */
export const BENCHMARKS: Benchmark[] = [auctionBenchmark, serveBenchmark, ingestBenchmark, reportBenchmark, exportBenchmark, overviewBenchmark];
