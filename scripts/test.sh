#!/usr/bin/env bash
# Runs every test against real services: lint, typecheck, the web build, then unit,
# integration and e2e tests (Vitest), and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=${NX_SKIP_NX_CACHE:-false}
export NODE_ENV=test LOG_LEVEL=${LOG_LEVEL:-warn}
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://loupe:loupe@127.0.0.1:5432/loupe_test}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/1}
export QUEUE_PREFIX='{loupe-test}'
export CLICKHOUSE_DATABASE=${TEST_CLICKHOUSE_DATABASE:-loupe_test}
export BENCH_SIZE=tiny
# One Postgres, many ClickHouse databases: no worker may mark accounts' local days from its own (lib/server-core test-env.ts).
export LOCAL_DAYS_SYNC_SECONDS=0

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
bash scripts/office.sh || echo "office.sh failed: the LibreOffice CSV test will fail and say why"

mkdir -p tmp
checks_passed=0
checks_failed=0
check() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); echo "!! $name failed"; fi
}

check "lint" npx nx run-many -t lint --outputStyle=static
check "typecheck" npx nx run-many -t typecheck --outputStyle=static
# NODE_ENV=test (above) would give React's development build; the check builds what ships.
check "web build" env NODE_ENV=production npx vite build --config apps/web/vite.config.mts --logLevel warn
# Debian's Chromium for the web app's browser tests (apps/web/e2e); installs it once.
check "chromium" bash scripts/browser.sh

echo "== vitest (unit, integration, e2e)"
rm -f tmp/vitest-results.json
npx vitest run --config scripts/vitest.config.mts --reporter=default --reporter=json --outputFile.json=tmp/vitest-results.json
vitest_status=$?

node scripts/test-summary.mjs tmp/vitest-results.json "$checks_passed" "$checks_failed" "$vitest_status"
