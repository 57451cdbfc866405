#!/usr/bin/env bash
# Starts the whole product on one URL: services, migrations, demo data, the built web
# app, the API and the worker. Ctrl-C stops the API and worker (services keep running).
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

bash scripts/setup.sh
SWC_NODE_PROJECT=apps/api/tsconfig.json node -r @swc-node/register apps/api/src/cli/seed.ts
echo "start: building the web app"
npx vite build --config apps/web/vite.config.mts --logLevel warn

host=${API_HOST:-127.0.0.1}
port=${API_PORT:-3000}
url=${PUBLIC_URL:-http://$host:$port}
mkdir -p tmp/logs
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

SWC_NODE_PROJECT=apps/api/tsconfig.json node -r @swc-node/register apps/api/src/main.ts >>tmp/logs/api.log 2>&1 &
pids+=($!)
# History (hours ended over a day ago: the backfill, late batches) is rolled up by the week (docs/pipeline.md).
ROLLUP_RANGE_AFTER_HOURS=${ROLLUP_RANGE_AFTER_HOURS:-24} SWC_NODE_PROJECT=apps/worker/tsconfig.json node -r @swc-node/register apps/worker/src/main.ts >>tmp/logs/worker.log 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  if curl -fsS "$url/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "The API exited; see tmp/logs/api.log" >&2; tail -20 tmp/logs/api.log >&2; exit 1; fi
  sleep 1
done
curl -fsS "$url/health" >/dev/null || { echo "The API did not become healthy; see tmp/logs/api.log and $url/health" >&2; exit 1; }

# The demo marketplace (an SMB, an agency with several accounts, a finance user), created
# through the real API so every object obeys the same rules as a client's; idempotent.
DEMO=$(SWC_NODE_PROJECT=apps/api/tsconfig.json node -r @swc-node/register apps/api/src/cli/demo-seed.ts "$url")

# History: DEMO_BACKFILL_DAYS (default 365; 0 turns it off) of simulated traffic up to the
# current hour, generated in simulated time through the real serve, tracking and
# conversions code into the real pipeline (docs/simulator.md, "Backfill mode"). Skipped
# when a previous start already loaded history (--if-empty), so a restart is quick.
history="off (DEMO_BACKFILL_DAYS=0)"
if [ "${DEMO_BACKFILL_DAYS:-365}" != "0" ]; then
  echo "start: loading ${DEMO_BACKFILL_DAYS:-365} days of demo history (tmp/logs/backfill.log)"
  backfill_args=(--days "${DEMO_BACKFILL_DAYS:-365}" --seed "${SIMULATOR_SEED:-1}" --if-empty)
  if [ -n "${DEMO_BACKFILL_REQUESTS_PER_DAY:-}" ]; then backfill_args+=(--requests-per-day "$DEMO_BACKFILL_REQUESTS_PER_DAY"); fi
  if SWC_NODE_PROJECT=apps/api/tsconfig.json node -r @swc-node/register apps/api/src/cli/backfill.ts "${backfill_args[@]}" 2>&1 | tee -a tmp/logs/backfill.log; then
    history="$(grep -E '^backfill: (generated|.*already loaded)' tmp/logs/backfill.log | tail -1)"
  else
    history="failed; see tmp/logs/backfill.log"
  fi
fi

# Live traffic: the simulator drives serve, beacons, clicks and conversions over loopback
# HTTP at a gentle rate, forever (docs/simulator.md, "Live mode"); the trap stops it. Its
# exit does not stop the product (only the API and worker are waited on below).
live="off (SIMULATOR_RATE=0)"
if [ "${SIMULATOR_RATE:-5}" != "0" ]; then
  case "$host" in
    127.*|localhost|0.0.0.0|::) sim_host=127.0.0.1 ;;
    *) sim_host="" ;;
  esac
  if [ -n "$sim_host" ]; then
    SWC_NODE_PROJECT=apps/api/tsconfig.json node -r @swc-node/register apps/api/src/cli/simulate.ts \
      --base-url "http://$sim_host:$port" --rate "${SIMULATOR_RATE:-5}" --duration 0 --seed "${SIMULATOR_SEED:-1}" >>tmp/logs/simulator.log 2>&1 &
    pids+=($!)
    live="flowing: ${SIMULATOR_RATE:-5} ad requests/s on average, following the daily curves (tmp/logs/simulator.log)"
  else
    live="off (the simulator drives a loopback API only; API_HOST is $host)"
  fi
fi
cat <<MSG

  Loupe is running at  $url
  API docs             $url/docs
  Health               $url/health
$DEMO
  (POST $url/v5/auth/login for a bearer token)
  History              $history
  Live traffic         $live
  Logs                 tmp/logs/api.log, tmp/logs/worker.log, tmp/logs/backfill.log, tmp/logs/simulator.log

  Press Ctrl-C to stop the API, the worker and the simulator.
MSG
wait -n "${pids[0]}" "${pids[1]}"
echo "A Loupe process exited; see tmp/logs/." >&2
exit 1
