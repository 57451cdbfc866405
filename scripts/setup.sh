#!/usr/bin/env bash
# Everything both quick-start commands need first: Node dependencies, the services
# (PostgreSQL, Redis, ClickHouse) and the migrations. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_major=20
if ! command -v node >/dev/null 2>&1; then
  echo "Node.js ${need_node_major}.19+ is required (with npm). On Debian/Ubuntu: apt-get install -y nodejs npm" >&2
  exit 1
fi
node -e "const [a,b]=process.versions.node.split('.').map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)" || {
  echo "Node.js 20.19+ is required; found $(node --version)." >&2
  exit 1
}

# npm install (not npm ci): a lockfile written on one platform lacks other platforms'
# optional native packages. Skip it when node_modules is already up to date.
if [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ] \
  || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: npm install"
  npm install --no-audit --no-fund --loglevel=error
fi

bash scripts/services.sh

echo "setup: migrations (postgres ${DATABASE_URL:-default}, clickhouse ${CLICKHOUSE_DATABASE:-loupe})"
SWC_NODE_PROJECT=apps/api/tsconfig.json node -r @swc-node/register apps/api/src/cli/migrate.ts
