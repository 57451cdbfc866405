#!/usr/bin/env bash
# Makes PostgreSQL, Redis and ClickHouse reachable for Loupe; used by `npm start`,
# `npm test` (through scripts/setup.sh) and `npm run services`. docs/operations.md
# has the long version. For each service, in this order:
#   1. a server already answers at its address (DATABASE_URL, REDIS_URL,
#      CLICKHOUSE_URL; by default 127.0.0.1:5432, :6379, :8123): reuse it and leave
#      it alone (never restarted, never reconfigured);
#   2. as root on Debian/Ubuntu: install the distribution's package (apt-get) and
#      start the server without systemd;
#   3. a Docker engine answers: docker compose -f docker/compose.yml up -d --wait;
#   4. otherwise stop, saying what is missing and how to provide it.
# Then create Loupe's role and databases when missing (Postgres role loupe/loupe
# owning databases loupe and loupe_test; ClickHouse databases loupe and loupe_test).
# Safe to run again and from two shells at once (flock); never prompts.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

LOCK_FILE=/tmp/loupe-services.lock
LOG=/tmp/loupe-services-$(id -un 2>/dev/null || id -u).log
COMPOSE_FILE=docker/compose.yml
WAIT_POSTGRES=60 WAIT_REDIS=30 WAIT_CLICKHOUSE=120 # seconds a started server gets to answer

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die() {
  printf 'services.sh: %s\n' "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
with_timeout() {
  local seconds=$1
  shift
  if have timeout; then timeout "$seconds" "$@"; else "$@"; fi
}
# Prints the end of a log file (when readable) before an error message.
show_tail() {
  if [ -r "$1" ] && [ -s "$1" ]; then
    warn "---- last lines of $1:"
    tail -n 15 "$1" >&2
    warn "----"
  fi
  return 0
}
trap 'die "unexpected failure at line $LINENO: $BASH_COMMAND (log: $LOG)"' ERR

# ---------------------------------------------------------------- addresses

# split_url URL DEFAULT_PORT: prints "host port" (user, password, path and query dropped).
split_url() {
  local rest host port bracketed='^\[([^]]*)\](:([0-9]*))?$'
  rest=$(printf '%s' "$1" | sed -E 's|^[A-Za-z][A-Za-z0-9+.-]*://||; s|^[^/?#]*@||; s|[/?#].*$||')
  if [[ $rest =~ $bracketed ]]; then
    host=${BASH_REMATCH[1]} port=${BASH_REMATCH[3]}
  elif [[ $rest == *:* ]]; then
    host=${rest%:*} port=${rest##*:}
  else
    host=$rest port=''
  fi
  printf '%s %s\n' "${host:-127.0.0.1}" "${port:-$2}"
}
is_loopback() {
  case $1 in 127.* | localhost | ::1 | 0:0:0:0:0:0:0:1) return 0 ;; esac
  return 1
}
# The URL with its password replaced by ***, for messages.
masked() { printf '%s' "$1" | sed -E 's|(://[^:/@]*:)[^@/]*@|\1***@|'; }

PG_URL=${DATABASE_URL:-postgres://loupe:loupe@127.0.0.1:5432/loupe}
REDIS_URL_=${REDIS_URL:-redis://127.0.0.1:6379/0}
CH_URL=${CLICKHOUSE_URL:-http://127.0.0.1:8123}
CH_USER=${CLICKHOUSE_USER:-default}
CH_PASSWORD=${CLICKHOUSE_PASSWORD:-}
read -r PG_HOST PG_PORT <<<"$(split_url "$PG_URL" 5432)"
read -r REDIS_HOST REDIS_PORT <<<"$(split_url "$REDIS_URL_" 6379)"
CH_DEFAULT_PORT=8123
case $CH_URL in https:*) CH_DEFAULT_PORT=443 ;; esac
read -r CH_HOST CH_PORT <<<"$(split_url "$CH_URL" "$CH_DEFAULT_PORT")"
CH_BASE=${CH_URL%%\?*}
CH_BASE=${CH_BASE%/}
case $REDIS_URL_ in rediss:*) REDIS_TLS=1 ;; *) REDIS_TLS=0 ;; esac
for pair in "DATABASE_URL:$PG_PORT" "REDIS_URL:$REDIS_PORT" "CLICKHOUSE_URL:$CH_PORT"; do
  [[ ${pair#*:} =~ ^[0-9]+$ ]] || die "${pair%%:*}: cannot read a port number from it (got port '${pair#*:}')"
done

hostport() { # SERVICE → host:port as people write it
  local h p
  case $1 in
    postgres) h=$PG_HOST p=$PG_PORT ;;
    redis) h=$REDIS_HOST p=$REDIS_PORT ;;
    clickhouse) h=$CH_HOST p=$CH_PORT ;;
  esac
  case $h in *:*) printf '[%s]:%s' "$h" "$p" ;; *) printf '%s:%s' "$h" "$p" ;; esac
}
# This script installs or starts a server only for the default loopback address.
manageable() {
  case $1 in
    postgres) is_loopback "$PG_HOST" && [ "$PG_PORT" = 5432 ] ;;
    redis) is_loopback "$REDIS_HOST" && [ "$REDIS_PORT" = 6379 ] && [ "$REDIS_TLS" = 0 ] ;;
    clickhouse) is_loopback "$CH_HOST" && [ "$CH_PORT" = 8123 ] && [[ $CH_URL == http:* ]] ;;
  esac
}

# ---------------------------------------------------------------- is it there?

# shellcheck disable=SC2016 # $1 and $2 belong to the inner bash
tcp_open() { with_timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1; }

# pg_isready: 0 accepting connections, 1 starting or stopping, 2 no answer.
pg_status() {
  if have pg_isready; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3 </dev/null && return 0
    return $?
  fi
  tcp_open "$PG_HOST" "$PG_PORT" || return 2
}
postgres_present() {
  local rc=0
  pg_status || rc=$?
  [ "$rc" -le 1 ]
}
postgres_ready() { pg_status; }

# First line of Redis's reply to PING ("+PONG", "-NOAUTH ..."), empty when nothing answers.
# shellcheck disable=SC2016 # $1 and $2 belong to the inner bash
REDIS_PING='exec 3<>"/dev/tcp/$1/$2" || exit 1; printf "PING\r\n" >&3; IFS= read -r -t 3 line <&3 || exit 1; printf "%s\n" "$line"'
redis_reply() { with_timeout 5 bash -c "$REDIS_PING" _ "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null | tr -d '\r' || true; }
redis_present() {
  if [ "$REDIS_TLS" = 1 ]; then tcp_open "$REDIS_HOST" "$REDIS_PORT"; return; fi
  case $(redis_reply) in [+-]*) return 0 ;; esac
  return 1
}
redis_ready() {
  if [ "$REDIS_TLS" = 1 ]; then tcp_open "$REDIS_HOST" "$REDIS_PORT"; return; fi
  case $(redis_reply) in +PONG | -NOAUTH*) return 0 ;; esac
  return 1
}

clickhouse_present() { [ "$(curl -sS -m 5 "$CH_BASE/ping" 2>/dev/null </dev/null)" = "Ok." ]; }
clickhouse_ready() { clickhouse_present; }
# ch_query SQL: prints the answer; on failure prints ClickHouse's message to stderr.
ch_query() {
  local out code
  out=$(curl -sS -m 30 -u "$CH_USER:$CH_PASSWORD" --data-binary "$1" -w '\n%{http_code}' "$CH_BASE/" 2>&1 </dev/null) || {
    warn "$out"
    return 1
  }
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  if [ "$code" != 200 ]; then
    warn "$out"
    return 1
  fi
  printf '%s\n' "$out"
}

present() { "${1}_present" 2>/dev/null; }
name_of() {
  case $1 in postgres) printf PostgreSQL ;; redis) printf Redis ;; clickhouse) printf ClickHouse ;; esac
}
var_of() {
  case $1 in postgres) printf DATABASE_URL ;; redis) printf REDIS_URL ;; clickhouse) printf CLICKHOUSE_URL ;; esac
}

# ---------------------------------------------------------------- apt (root on Debian/Ubuntu)

APT_WHY=""
is_debian_like() {
  [ -r /etc/os-release ] || return 1
  local ids
  ids=$(sed -nE 's/^(ID|ID_LIKE)=//p' /etc/os-release | tr -d "\"'" | tr '\n' ' ')
  case " $ids " in *" debian "* | *" ubuntu "*) return 0 ;; esac
  return 1
}
can_apt() {
  if [ "$(id -u)" != 0 ]; then
    APT_WHY="I am not root"
    return 1
  fi
  if ! have apt-get || ! is_debian_like; then
    APT_WHY="this is not a Debian/Ubuntu machine"
    return 1
  fi
}

APT_UPDATED=0
# apt_install PACKAGE...: one `apt-get update` per run, only when something is installed.
# 9>&- everywhere a daemon may be started: it must not inherit (and hold) the lock.
apt_install() {
  say "services: installing $* with apt-get (log: $LOG)"
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -o DPkg::Lock::Timeout=300 >>"$LOG" 2>&1 </dev/null 9>&- || {
      show_tail "$LOG"
      die "apt-get update failed (log: $LOG)"
    }
    APT_UPDATED=1
  fi
  # A UTF-8 locale for the Postgres cluster that the postgresql package creates.
  DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 apt-get install -y --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "$@" >>"$LOG" 2>&1 </dev/null 9>&- || {
    show_tail "$LOG"
    die "apt-get install $* failed (log: $LOG). If a package is unknown here, start that server yourself, use a Docker engine (docker/compose.yml), or point its URL elsewhere (docs/operations.md)."
  }
}

newest_postgres() { # newest PostgreSQL server major version under /usr/lib/postgresql
  local bin v best=''
  for bin in /usr/lib/postgresql/*/bin/postgres; do
    [ -x "$bin" ] || continue
    v=${bin#/usr/lib/postgresql/}
    v=${v%%/*}
    [[ $v =~ ^[0-9]+$ ]] || continue
    if [ -z "$best" ] || [ "$v" -gt "$best" ]; then best=$v; fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}
ch_server_bin() {
  if [ -x /usr/sbin/clickhouse-server ]; then printf '%s\n' /usr/sbin/clickhouse-server; else command -v clickhouse-server; fi
}
installed() {
  case $1 in
    postgres) have pg_ctlcluster && have pg_lsclusters && newest_postgres >/dev/null ;;
    redis) have redis-server ;;
    clickhouse) ch_server_bin >/dev/null ;;
  esac
}
packages_of() {
  case $1 in
    postgres) printf '%s\n' postgresql ;;
    redis) printf '%s\n' redis-server ;;
    clickhouse) printf '%s\n' 'clickhouse-server clickhouse-client' ;;
  esac
}

# wait_ready SERVICE SECONDS WHERE_TO_LOOK
wait_ready() {
  local deadline=$((SECONDS + $2))
  until "${1}_ready" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      show_tail "$3"
      die "$(name_of "$1") did not answer on $(hostport "$1") within $2 s; look at $3"
    fi
    sleep 1
  done
}

STARTED_INFO=""
start_postgres() {
  local line ver cluster port status owner datadir logfile
  line=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print; exit }')
  if [ -z "$line" ]; then
    ver=$(newest_postgres) || die "no PostgreSQL server under /usr/lib/postgresql (log: $LOG)"
    if [ -d "/etc/postgresql/$ver/main" ]; then
      die "PostgreSQL cluster $ver/main exists but not on port $PG_PORT (see pg_lsclusters); move it to $PG_PORT or set DATABASE_URL"
    fi
    LC_ALL=C.UTF-8 pg_createcluster --port "$PG_PORT" "$ver" main >>"$LOG" 2>&1 </dev/null 9>&- || {
      show_tail "$LOG"
      die "pg_createcluster $ver main failed (log: $LOG)"
    }
    line=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print; exit }')
    [ -n "$line" ] || die "pg_createcluster made no cluster on port $PG_PORT (log: $LOG)"
  fi
  # shellcheck disable=SC2034 # port, owner, datadir are read to reach logfile
  read -r ver cluster port status owner datadir logfile <<<"$line"
  case $status in
    online*) ;; # already starting: just wait for it
    *)
      pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start >>"$LOG" 2>&1 </dev/null 9>&- || {
        show_tail "$logfile"
        die "pg_ctlcluster $ver $cluster start failed; look at $logfile and $LOG"
      }
      ;;
  esac
  wait_ready postgres "$WAIT_POSTGRES" "$logfile"
  STARTED_INFO="PostgreSQL $ver, cluster $ver/$cluster"
}

start_redis() {
  local logfile=/var/log/redis/loupe.log
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
    --dir /var/lib/redis --logfile "$logfile" >>"$LOG" 2>&1 </dev/null 9>&- || {
    show_tail "$logfile"
    die "redis-server failed to start; look at $logfile"
  }
  wait_ready redis "$WAIT_REDIS" "$logfile"
  STARTED_INFO="$(redis-server --version | sed -nE 's/.* v=([^ ]+).*/\1/p'); appendonly everysec, noeviction"
}

start_clickhouse() {
  local bin dir pidfile=/var/lib/clickhouse/clickhouse-server.pid pid=''
  local logfile=/var/log/clickhouse-server/clickhouse-server.err.log
  bin=$(ch_server_bin) || die "clickhouse-server is not installed"
  id -u clickhouse >/dev/null 2>&1 || die "there is no clickhouse user (the clickhouse-server package creates it); reinstall clickhouse-server"
  for dir in /var/lib/clickhouse /var/log/clickhouse-server; do
    [ -d "$dir" ] || install -d -o clickhouse -g clickhouse "$dir"
  done
  [ -s "$pidfile" ] && pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == clickhouse* ]]; then
    : # a server is still starting: just wait for it
  else
    runuser -u clickhouse -- "$bin" --config-file=/etc/clickhouse-server/config.xml \
      --pid-file="$pidfile" --daemon >>"$LOG" 2>&1 </dev/null 9>&- || {
      show_tail "$logfile"
      die "clickhouse-server failed to start; look at $logfile and $LOG"
    }
  fi
  wait_ready clickhouse "$WAIT_CLICKHOUSE" "$logfile"
  STARTED_INFO=$(ch_query 'SELECT version()' 2>/dev/null || true)
}

provide_with_apt() {
  local svc pkgs='' fresh
  for svc in $MISSING; do
    installed "$svc" || pkgs="$pkgs $(packages_of "$svc")"
  done
  # shellcheck disable=SC2086 # a list of package names
  [ -z "$pkgs" ] || apt_install $pkgs
  for svc in $MISSING; do
    fresh=started
    case " $pkgs " in *" $(packages_of "$svc" | cut -d' ' -f1) "*) fresh="installed and started" ;; esac
    if present "$svc"; then # a package's own service may have started it
      say "$svc: installed; its package started it on $(hostport "$svc")"
      continue
    fi
    STARTED_INFO=""
    "start_$svc"
    say "$svc: $fresh $(hostport "$svc")${STARTED_INFO:+ ($STARTED_INFO)}"
  done
}

# ---------------------------------------------------------------- Docker

DOCKER_WHY=""
COMPOSE_CMD=""
docker_usable() {
  if ! have docker; then
    DOCKER_WHY="there is no docker command"
    return 1
  fi
  if ! with_timeout 20 docker info >/dev/null 2>&1 </dev/null; then
    DOCKER_WHY="no Docker engine answers (docker info fails)"
    return 1
  fi
  if docker compose version >/dev/null 2>&1 </dev/null; then
    COMPOSE_CMD=plugin
  elif have docker-compose && docker-compose version --short 2>/dev/null </dev/null | grep -Eq '^v?[2-9]'; then
    COMPOSE_CMD=standalone
  else
    DOCKER_WHY="a Docker engine answers but Docker Compose v2 is missing (install the Compose plugin, e.g. docker-compose-plugin)"
    return 1
  fi
}
compose() {
  if [ "$COMPOSE_CMD" = plugin ]; then docker compose "$@"; else docker-compose "$@"; fi
}
provide_with_docker() {
  local svc
  say "services: starting$MISSING with Docker ($COMPOSE_FILE; log: $LOG)"
  # shellcheck disable=SC2086 # a list of compose service names
  compose -f "$COMPOSE_FILE" up -d --wait $MISSING >>"$LOG" 2>&1 </dev/null 9>&- || {
    show_tail "$LOG"
    die "docker compose -f $COMPOSE_FILE up -d --wait$MISSING failed (log: $LOG)"
  }
  for svc in $MISSING; do
    wait_ready "$svc" 60 "docker compose -f $COMPOSE_FILE logs $svc"
    say "$svc: started with Docker on $(hostport "$svc") ($COMPOSE_FILE)"
  done
}

die_missing() {
  local svc what='' hints=''
  for svc in $MISSING; do
    what="${what:+$what, }$(name_of "$svc") is not reachable on $(hostport "$svc")"
    case $svc in
      postgres) hints="$hints
  - start PostgreSQL 14+ on 127.0.0.1:5432 with a role loupe (password loupe) owning databases loupe and loupe_test, or set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE" ;;
      redis) hints="$hints
  - start Redis 6.2+ on 127.0.0.1:6379 (appendonly yes, maxmemory-policy noeviction), or set REDIS_URL=redis://HOST:PORT/0" ;;
      clickhouse) hints="$hints
  - start ClickHouse on 127.0.0.1:8123 (HTTP), or set CLICKHOUSE_URL=http://HOST:8123 (with CLICKHOUSE_USER, CLICKHOUSE_PASSWORD)" ;;
    esac
  done
  die "$what; I cannot install it because $APT_WHY, and I cannot use Docker because $DOCKER_WHY.
Provide the missing services in one of these ways, then run this again:
  - as root on Debian/Ubuntu: sudo bash scripts/services.sh (installs them with apt-get and starts them)
  - with a Docker engine and Compose v2: this script then runs docker compose -f $COMPOSE_FILE up -d --wait$hints
See docs/operations.md."
}

# ---------------------------------------------------------------- Loupe's databases

databases_phrase() { # " a b" → "databases a, b"; " a" → "database a"
  # shellcheck disable=SC2086 # split a list of plain identifiers
  set -- $1
  if [ $# -eq 1 ]; then printf 'database %s' "$1"; else printf 'databases %s' "$(printf '%s, ' "$@" | sed 's/, $//')"; fi
}

pg_login_loupe() { # DATABASE: can role loupe (password loupe) log in to it?
  PGPASSWORD=loupe PGCONNECT_TIMEOUT=5 psql -X -w -q -At -h "$PG_HOST" -p "$PG_PORT" -U loupe -d "$1" \
    -c 'SELECT 1' >/dev/null 2>&1 </dev/null
}
# psql as the superuser postgres: over the local socket when root, else over TCP.
pg_super() {
  if [ "$(id -u)" = 0 ] && [ -S "/var/run/postgresql/.s.PGSQL.$PG_PORT" ] && id -u postgres >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- psql -X -w -q -At -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@" </dev/null)
  else
    PGCONNECT_TIMEOUT=5 psql -X -w -q -At -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres "$@" </dev/null
  fi
}
bootstrap_postgres() {
  is_loopback "$PG_HOST" || return 0
  if ! have psql; then
    if can_apt; then
      apt_install postgresql-client
    else
      say "postgres: psql not found, so role loupe and databases loupe, loupe_test were not checked (install the PostgreSQL client)"
      return 0
    fi
  fi
  if pg_login_loupe loupe && pg_login_loupe loupe_test; then return 0; fi
  local have_ out db created='' dbs=''
  have_=$(pg_super -c "SELECT 'role' FROM pg_roles WHERE rolname = 'loupe'
    UNION ALL SELECT datname FROM pg_database WHERE datname IN ('loupe', 'loupe_test')" 2>&1) || die "cannot connect to PostgreSQL on $(hostport postgres) as the superuser postgres to create Loupe's role and databases: $have_
Create them yourself as a superuser:
  CREATE ROLE loupe LOGIN CREATEDB PASSWORD 'loupe'; CREATE DATABASE loupe OWNER loupe; CREATE DATABASE loupe_test OWNER loupe;
or point DATABASE_URL at a database you can use."
  if ! grep -qx role <<<"$have_"; then
    out=$(pg_super -c "CREATE ROLE loupe LOGIN CREATEDB PASSWORD 'loupe'" 2>&1) || die "creating role loupe failed: $out"
    created="role loupe"
  fi
  for db in loupe loupe_test; do
    grep -qx "$db" <<<"$have_" && continue
    # template0 + UTF8: right even in a cluster whose template1 is SQL_ASCII (C locale)
    out=$(pg_super -c "CREATE DATABASE $db OWNER loupe TEMPLATE template0 ENCODING 'UTF8'" 2>&1) || die "creating database $db failed: $out"
    dbs="$dbs $db"
  done
  [ -z "$dbs" ] || created="${created:+$created, }$(databases_phrase "$dbs")"
  [ -z "$created" ] || say "postgres: created $created"
}
# Logs in with DATABASE_URL itself: the check that matters to Loupe.
verify_database_url() {
  have psql || return 0
  local out
  if ! out=$(PGCONNECT_TIMEOUT=5 psql -X -w -At -d "$PG_URL" -c 'SHOW server_version_num' 2>&1 </dev/null); then
    is_loopback "$PG_HOST" || {
      warn "postgres: warning: PostgreSQL answers on $(hostport postgres) but logging in with DATABASE_URL=$(masked "$PG_URL") fails: $out"
      return 0
    }
    die "PostgreSQL answers on $(hostport postgres) but logging in with DATABASE_URL=$(masked "$PG_URL") fails: $out"
  fi
  if [[ $out =~ ^[0-9]+$ ]] && [ "$out" -lt 140000 ]; then
    warn "postgres: warning: Loupe needs PostgreSQL 14 or newer; $(hostport postgres) runs $out"
  fi
}

bootstrap_clickhouse() {
  is_loopback "$CH_HOST" || return 0
  local have_ db created=''
  have_=$(ch_query "SELECT name FROM system.databases WHERE name IN ('loupe', 'loupe_test')") ||
    die "cannot query ClickHouse at $CH_BASE as user $CH_USER (CLICKHOUSE_USER, CLICKHOUSE_PASSWORD)"
  for db in loupe loupe_test; do
    grep -qx "$db" <<<"$have_" && continue
    ch_query "CREATE DATABASE IF NOT EXISTS $db" >/dev/null || die "creating ClickHouse database $db failed"
    created="$created $db"
  done
  [ -z "$created" ] || say "clickhouse: created $(databases_phrase "$created")"
}

# redis_config NAME: the value of a Redis setting, empty when it cannot be read.
# shellcheck disable=SC2016 # $1..$3 belong to the inner bash
REDIS_CONFIG_GET='exec 3<>"/dev/tcp/$1/$2" || exit 1; printf "CONFIG GET %s\r\n" "$3" >&3
for i in 1 2 3 4 5; do IFS= read -r -t 3 line <&3 || exit 1; done; printf "%s\n" "$line"'
redis_config() {
  if have redis-cli; then
    if [ "$REDIS_TLS" = 1 ]; then
      with_timeout 5 redis-cli -u "$REDIS_URL_" --tls --no-auth-warning --raw config get "$1" </dev/null 2>/dev/null | sed -n 2p || true
    else
      with_timeout 5 redis-cli -u "$REDIS_URL_" --no-auth-warning --raw config get "$1" </dev/null 2>/dev/null | sed -n 2p || true
    fi
  elif [ "$REDIS_TLS" = 0 ]; then
    with_timeout 5 bash -c "$REDIS_CONFIG_GET" _ "$REDIS_HOST" "$REDIS_PORT" "$1" 2>/dev/null | tr -d '\r' || true
  fi
}
# Only a warning: a reused server is never reconfigured.
check_redis_settings() {
  local aof policy problems=''
  aof=$(redis_config appendonly)
  policy=$(redis_config maxmemory-policy)
  [ -z "$aof" ] || [ "$aof" = yes ] || problems="appendonly $aof"
  [ -z "$policy" ] || [ "$policy" = noeviction ] || problems="${problems:+$problems, }maxmemory-policy $policy"
  [ -z "$problems" ] ||
    warn "redis: warning: $(hostport redis) runs with $problems; fine for development, but production needs appendonly yes (appendfsync everysec) and maxmemory-policy noeviction (docs/operations.md); left unchanged"
}

# ---------------------------------------------------------------- main

take_lock() {
  have flock || return 0 # e.g. macOS: run without the lock
  # Opening an existing file read-only works whoever created it (flock needs no write access).
  if [ -e "$LOCK_FILE" ]; then
    exec 9<"$LOCK_FILE"
  else
    exec 9>>"$LOCK_FILE"
    chmod 0644 "$LOCK_FILE" 2>/dev/null || true
  fi
  if ! flock -n 9; then
    say "services: waiting for another scripts/services.sh to finish (lock $LOCK_FILE)"
    flock -w 900 9 || die "another scripts/services.sh held $LOCK_FILE for 15 minutes; giving up"
  fi
}

main() {
  take_lock
  printf '== scripts/services.sh %s\n' "$(date)" >"$LOG"

  if ! have curl; then
    if can_apt; then apt_install curl ca-certificates; else die "curl is required (it talks to ClickHouse over HTTP); install it and run this again"; fi
  fi

  local svc elsewhere=''
  MISSING=""
  for svc in postgres redis clickhouse; do
    if present "$svc"; then
      say "$svc: reused $(hostport "$svc")"
      [ "$svc" != redis ] || check_redis_settings
    elif manageable "$svc"; then
      MISSING="$MISSING $svc"
    else
      elsewhere="$elsewhere
  $(name_of "$svc") does not answer at $(hostport "$svc") (from $(var_of "$svc")). This script starts servers only on the default loopback address; start it there, or fix or unset $(var_of "$svc")."
    fi
  done
  [ -z "$elsewhere" ] || die "not reachable:$elsewhere"

  if [ -n "$MISSING" ]; then
    if can_apt; then
      provide_with_apt
    elif docker_usable; then
      provide_with_docker
    else
      die_missing
    fi
  fi

  bootstrap_postgres
  verify_database_url
  bootstrap_clickhouse
}

main "$@"
