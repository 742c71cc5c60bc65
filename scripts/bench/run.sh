#!/usr/bin/env bash
# The Conduit benchmark (docs/benchmark.md): one command that
#   1. starts a throw-away PostgreSQL and Redis on free loopback ports (in a temp dir),
#   2. starts app/target/conduit.jar (a copy) in production mode once so Flyway creates the schemas,
#      registers user_0001 through the API and seeds the data set with SQL (seed.sql),
#   3. restarts the JAR, logs bench users in for session tokens,
#   4. drives wrk (bench.lua) against each endpoint, one at a time, after a short warm-up,
#   5. prints a Markdown table (requests/s, p50, p99, errors, target) and the server's peak RSS,
#      and saves it with the raw outputs under a results directory,
#   6. stops everything it started (by process id) and deletes the temp dir.
#
#   scripts/bench/run.sh            full run: 1,000 users, 20,000 articles, 30 s per endpoint
#   scripts/bench/run.sh --quick    smoke run of the harness: small data set, 3 s per endpoint
#
# Options are environment variables (defaults: full / quick):
#   BENCH_DURATION=30s/3s  BENCH_WARMUP=5s/1s  BENCH_CONNECTIONS=64  BENCH_THREADS=2
#   BENCH_TIMEOUT=10s (wrk: slower responses count as timeout errors)
#   BENCH_ENDPOINTS=list,list-user,tag,article,article-user,feed,comments,tags,login,user,mixed
#     (any subset, in that order; -user: the same requests with a session token; mixed: the
#     mixed workload, proportions stated where its requests are drawn, below)
#   BENCH_MIXED_REQUESTS=20000 (requests drawn for the mixed workload, rotated)
#   BENCH_USERS=1000/200  BENCH_ARTICLES=20000/2000  BENCH_FAVORITES=100000/10000
#   BENCH_COMMENTS=60000/6000  BENCH_TOKENS=1000/200 (users logged in: sessions for the signed-in endpoints)
#   BENCH_DB_POOL_SIZE=16  BENCH_JAVA_OPTS=""  BENCH_JAR=app/target/conduit.jar
#   BENCH_RESULTS_DIR=/tmp/conduit-bench-results/<UTC time>  BENCH_KEEP=0 (1: keep the temp dir)
#   BENCH_PRIME=1 (0: no priming pass; 1: each read endpoint's warm-up once before the first
#     measurement, so the JIT has compiled the shared paths whatever the endpoints' order)
#   BENCH_EXPLAIN=1 (EXPLAIN (ANALYZE, BUFFERS) of the hot queries into the results dir)
#   BENCH_JFR=0 (1: a Java Flight Recording of the measured server, server.jfr and hot-methods.txt)
#   BENCH_RATE_LIMITS=unlimited: the app's rate limits run (a Redis script per request) with limits
#     no run reaches; "off" disables them, "default" keeps the app's defaults (wrk, from one
#     address, then mostly measures 429s). CONDUIT_* variables set by the caller reach the JAR.
#   BENCH_QUICK=1 is the same as --quick.
#   BENCH_MEMORY_LIMIT=1g: the server runs in a memory cgroup of that size (cgroup v2 memory.max or
#     v1 memory.limit_in_bytes; needs root), so the JVM sizes itself from the limit as under a
#     systemd MemoryMax=; an OOM kill or exit shows as a failed run. Pair it with the AMI unit's
#     flags: BENCH_JAVA_OPTS="-XX:MaxRAMPercentage=70 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError".
#
#   scripts/bench/run.sh --startup  start -> ready instead of the wrk runs: the JAR is started
#     BENCH_STARTS (10) times against the migrated, seeded database, with the JVM's defaults and
#     then with an AOT cache (JDK 25, -XX:AOTCacheOutput) from one training run that serves some
#     of every endpoint; prints min / median / max from launch to the first 200 of /health/ready
#     (polled every 10 ms) and the JVM's own uptime at "Conduit started".
# As root it installs what is missing with apt-get (wrk, postgresql, redis-server, curl).
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
started_at=$(date -u +%s)

# The command as given, for the report: the BENCH_* variables the caller set, then the script.
given_command=''
for v in $(compgen -v BENCH_ | sort); do
  [[ "$(declare -p "$v" 2>/dev/null)" == "declare -x"* ]] && given_command+="$v=$(printf '%q' "${!v}") "
done
given_command+="scripts/bench/run.sh${*:+ $*}"

quick=${BENCH_QUICK:-0}
startup=${BENCH_STARTUP:-0}
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --startup) startup=1 ;;
    -h|--help) sed -n '2,/^set -E/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

if [[ "$quick" == 1 ]]; then
  d_duration=3s d_warmup=1s d_users=200 d_articles=2000 d_favorites=10000 d_comments=6000 d_tokens=200
else
  d_duration=30s d_warmup=5s d_users=1000 d_articles=20000 d_favorites=100000 d_comments=60000 d_tokens=1000
fi
duration=${BENCH_DURATION:-$d_duration}
warmup=${BENCH_WARMUP:-$d_warmup}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
wrk_timeout=${BENCH_TIMEOUT:-10s}
endpoints=${BENCH_ENDPOINTS:-list,list-user,tag,article,article-user,feed,comments,tags,login,user,mixed}
users=${BENCH_USERS:-$d_users}
articles=${BENCH_ARTICLES:-$d_articles}
favorites=${BENCH_FAVORITES:-$d_favorites}
comments=${BENCH_COMMENTS:-$d_comments}
tokens_wanted=${BENCH_TOKENS:-$d_tokens}
pool_size=${BENCH_DB_POOL_SIZE:-16}
java_opts=${BENCH_JAVA_OPTS:-}
aot=${BENCH_AOT:-0}
[[ "$aot" == 0 || "$aot" == 1 ]] || { echo "BENCH_AOT must be 0 or 1 (got '$aot')" >&2; exit 2; }
memory_limit=${BENCH_MEMORY_LIMIT:-}
case "$memory_limit" in
  ''|[0-9]*[mMgG]) ;;
  *) echo "BENCH_MEMORY_LIMIT must be like 1g or 768m (got '$memory_limit')" >&2; exit 2 ;;
esac
jar_src=${BENCH_JAR:-$root/app/target/conduit.jar}
explain=${BENCH_EXPLAIN:-1}
keep=${BENCH_KEEP:-0}
jfr=${BENCH_JFR:-0}
rate_limits=${BENCH_RATE_LIMITS:-unlimited}
case "$rate_limits" in
  unlimited) rate_limit_value=1000000000/1m ;;
  off) rate_limit_value=off ;;
  default) rate_limit_value='' ;;
  *) echo "BENCH_RATE_LIMITS must be unlimited, off or default (got '$rate_limits')" >&2; exit 2 ;;
esac
results=${BENCH_RESULTS_DIR:-/tmp/conduit-bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
password='bench-password-1'
db_password='conduit-bench'

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

seconds_of() { # 30s, 2m, 1h or a plain number of seconds -> seconds
  local v=$1
  case "$v" in
    *ms) echo 1 ;;
    *s) echo "${v%s}" ;;
    *m) echo $(( ${v%m} * 60 )) ;;
    *h) echo $(( ${v%h} * 3600 )) ;;
    *) echo "$v" ;;
  esac
}
for v in users articles favorites comments tokens_wanted connections threads pool_size; do
  [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || die "$v must be a positive integer, not '${!v}'"
done
(( users >= 2 )) || die "BENCH_USERS must be at least 2"
(( tokens_wanted <= users )) || tokens_wanted=$users
duration_s=$(seconds_of "$duration"); warmup_s=$(seconds_of "$warmup")
[[ "$duration_s" =~ ^[0-9]+$ && "$warmup_s" =~ ^[0-9]+$ ]] || die "BENCH_DURATION / BENCH_WARMUP: use 30s, 2m or seconds"

# ---------------------------------------------------------------------------------------------
# Tools
ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  command -v curl >/dev/null || missing+=(curl)
  command -v setpriv >/dev/null || missing+=(util-linux)
  command -v awk >/dev/null || missing+=(gawk)
  (( ${#missing[@]} == 0 )) && return 0
  [[ $EUID -eq 0 ]] || die "missing: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
  log "installing ${missing[*]} with apt-get"
  timeout 600 apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
ensure_tools
# shellcheck source=scripts/lib/jdk.sh
source "$root/scripts/lib/jdk.sh"
conduit_select_jdk
java_bin="$JAVA_HOME/bin/java"
pg_bins=(/usr/lib/postgresql/*/bin)
pg_bin=$(printf '%s\n' "${pg_bins[@]}" | sort -V | tail -n 1)
[[ -f "$jar_src" ]] || die "no JAR at $jar_src (build it: ./mvnw package -DskipTests)"

# ---------------------------------------------------------------------------------------------
# Temp dir, processes, cleanup
work=$(mktemp -d /tmp/conduit-bench.XXXXXX)
chmod 755 "$work"
mkdir -p "$results"
app_pid='' redis_pid='' pg_pid='' sampler_pid=''

stop_pid() { # pid signal seconds: signal, wait up to seconds, then SIGKILL
  local pid=$1 sig=$2 secs=$3 waited=0
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( waited < secs * 10 )); do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    log "process $pid did not stop within ${secs}s after SIG$sig; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  set +e
  [[ -n "$sampler_pid" ]] && { kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null; }
  stop_pid "$app_pid" TERM 40
  stop_pid "$redis_pid" TERM 15
  stop_pid "$pg_pid" INT 60   # SIGINT: PostgreSQL's fast shutdown
  [[ -n "${cgroup_dir:-}" ]] && rmdir "$cgroup_dir" 2>/dev/null
  if (( rc != 0 )) && [[ -d "$work" ]]; then
    for f in "$work"/app-*.log "$work"/postgres.log "$work"/redis.log; do
      [[ -f "$f" ]] && tail -n 200 "$f" >"$results/$(basename "$f").tail" 2>/dev/null
    done
    log "failed (exit $rc); log tails in $results"
  fi
  if [[ "$keep" == 1 ]]; then
    log "kept the temp dir $work (BENCH_KEEP=1)"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

used_ports=()
# Below the kernel's ephemeral range: a port picked inside it can be taken by the local end of an
# outgoing connection (wrk's, the pools') before a restarted server binds it again ("Port already
# in use"). Linux's default range starts at 32768.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[[ "$ephemeral_low" =~ ^[0-9]+$ && "$ephemeral_low" -gt 12000 ]] || ephemeral_low=32768
free_port() { # sets PORT to a loopback port nobody listens on (and not handed out before)
  local p i
  for i in $(seq 1 500); do
    p=$(( 10000 + (RANDOM * 32768 + RANDOM) % (ephemeral_low - 10000) ))
    [[ " ${used_ports[*]:-} " == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      used_ports+=("$p"); PORT=$p; return 0
    fi
  done
  die "found no free port"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
free_port; pg_port=$PORT
pgdata="$work/pgdata"; pgsock="$work/pgsock"
mkdir -p "$pgdata" "$pgsock"
printf '%s\n' "$db_password" >"$work/pgpass"
as_pg=()
if [[ $EUID -eq 0 ]]; then
  pg_user=postgres
  if ! id "$pg_user" >/dev/null 2>&1; then
    pg_user=conduit-bench
    id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
  fi
  chown "$pg_user:" "$pgdata" "$pgsock" "$work/pgpass"
  as_pg=(setpriv "--reuid=$pg_user" "--regid=$(id -g "$pg_user")" --init-groups)
fi
chmod 700 "$pgdata"
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
(cd "$work" && "${as_pg[@]}" env LC_ALL=C.UTF-8 "$pg_bin/initdb" -D "$pgdata" -U postgres -E UTF8 \
  --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 --pwfile="$work/pgpass" --no-sync \
  >"$work/initdb.log" 2>&1) || { cat "$work/initdb.log" >&2; die "initdb failed"; }
cat >>"$pgdata/postgresql.conf" <<EOF

# --- scripts/bench/run.sh: a 2-core, 24 GiB machine shared with the server and the load tool
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pgsock'
max_connections = 100
shared_buffers = 1GB
effective_cache_size = 12GB
work_mem = 16MB
maintenance_work_mem = 512MB
wal_buffers = 16MB
max_wal_size = 4GB
min_wal_size = 1GB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
fsync = on
synchronous_commit = on
full_page_writes = on
random_page_cost = 1.1
effective_io_concurrency = 200
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
pg_stat_statements.max = 1000
track_io_timing = on
log_min_duration_statement = 250
log_checkpoints = on
log_line_prefix = '%m [%p] %q%u@%d '
EOF
(cd "$work" && exec "${as_pg[@]}" "$pg_bin/postgres" -D "$pgdata" >"$work/postgres.log" 2>&1) &
pg_pid=$!
psql_su() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$pgsock" -p "$pg_port" -U postgres "$@"; }
deadline=$((SECONDS + 60))
until psql_su -d postgres -Atc 'select 1' >/dev/null 2>&1; do
  kill -0 "$pg_pid" 2>/dev/null || { tail -n 30 "$work/postgres.log" >&2; die "PostgreSQL exited"; }
  (( SECONDS < deadline )) || die "PostgreSQL not ready within 60 s"
  sleep 0.2
done
psql_su -d postgres <<SQL
create role conduit login password '$db_password';
create database conduit owner conduit;
SQL
psql_su -d conduit -c 'create extension pg_stat_statements'

# ---------------------------------------------------------------------------------------------
# Redis
free_port; redis_port=$PORT
mkdir -p "$work/redis"
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize no \
  --dir "$work/redis" --logfile "$work/redis.log" &
redis_pid=$!
deadline=$((SECONDS + 30))
until [[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" == PONG ]]; do
  kill -0 "$redis_pid" 2>/dev/null || { tail -n 30 "$work/redis.log" >&2; die "Redis exited"; }
  (( SECONDS < deadline )) || die "Redis not ready within 30 s"
  sleep 0.1
done
log "Redis $(redis-server --version | sed -E 's/.* v=([^ ]+).*/\1/') on 127.0.0.1:$redis_port"

# ---------------------------------------------------------------------------------------------
# The application
# The JAR may be being rebuilt: copy it once it has not changed for 5 s (waiting at most 3 min).
deadline=$((SECONDS + 180))
while (( $(date +%s) - $(stat -c %Y "$jar_src") < 5 )) && (( SECONDS < deadline )); do
  log "waiting for $jar_src to stop changing (a build is writing it)"; sleep 5
done
cp "$jar_src" "$work/conduit.jar"
jar_sha=$(sha256sum "$work/conduit.jar" | cut -c1-12)
free_port; http_port=$PORT
free_port; admin_port=$PORT
api="http://127.0.0.1:$http_port"
admin="http://127.0.0.1:$admin_port"

rate_limit_env=()
if [[ -n "$rate_limit_value" ]]; then
  for v in CONDUIT_RATE_LIMIT_ANONYMOUS CONDUIT_RATE_LIMIT_USER CONDUIT_RATE_LIMIT_LOGIN_PER_ADDRESS \
           CONDUIT_RATE_LIMIT_LOGIN_PER_ACCOUNT CONDUIT_RATE_LIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS \
           CONDUIT_RATE_LIMIT_REGISTRATION_PER_ADDRESS; do
    rate_limit_env+=("$v=${!v:-$rate_limit_value}")
  done
fi

# BENCH_MEMORY_LIMIT: a memory cgroup for the server; each launch moves itself into it, then execs java
in_cgroup=()
cgroup_dir=''
if [[ -n "$memory_limit" ]]; then
  [[ $EUID -eq 0 ]] || die "BENCH_MEMORY_LIMIT needs root (it creates a cgroup)"
  limit_bytes=$(numfmt --from=iec "${memory_limit^^}")
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    cgroup_dir=/sys/fs/cgroup/conduit-bench-$$
    mkdir "$cgroup_dir" && echo "$limit_bytes" >"$cgroup_dir/memory.max" && echo 0 >"$cgroup_dir/memory.swap.max"
  elif [[ -d /sys/fs/cgroup/memory ]]; then
    cgroup_dir=/sys/fs/cgroup/memory/conduit-bench-$$
    mkdir "$cgroup_dir" && echo "$limit_bytes" >"$cgroup_dir/memory.limit_in_bytes"
  else
    die "no memory cgroup controller found under /sys/fs/cgroup"
  fi
  # shellcheck disable=SC2016 # expanded by the inner bash
  in_cgroup=(bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cgroup_dir")
  log "the server runs in the memory cgroup $cgroup_dir ($memory_limit)"
fi

launch_app() { # $1: name of the log file (app-<name>.log); $2...: extra JVM options. Does not wait.
  local name=$1; shift
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
  env "${rate_limit_env[@]}" CONDUIT_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/conduit" \
    CONDUIT_DB_USER=conduit CONDUIT_DB_PASSWORD="$db_password" \
    CONDUIT_REDIS_URL="redis://127.0.0.1:$redis_port" \
    CONDUIT_HTTP_PORT="$http_port" CONDUIT_ADMIN_PORT="$admin_port" \
    CONDUIT_LOG_FORMAT=json CONDUIT_DB_POOL_SIZE="$pool_size" CONDUIT_SHUTDOWN_DRAIN=0s \
    "${in_cgroup[@]}" "$java_bin" $java_opts "$@" -jar "$work/conduit.jar" >"$work/app-$name.log" 2>&1 &
  app_pid=$!
  app_log="$work/app-$name.log"
}
wait_ready() { # $1: seconds between polls of GET /health/ready; returns once it answers 200
  local deadline=$((SECONDS + 120)) code
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$api/health/ready" || true)
    [[ "$code" == 200 ]] && break
    kill -0 "$app_pid" 2>/dev/null || { tail -n 40 "$app_log" >&2; die "the JAR exited during start-up"; }
    (( SECONDS < deadline )) || { tail -n 40 "$app_log" >&2; die "GET /health/ready not 200 within 120 s (last: $code)"; }
    sleep "$1"
  done
}
start_app() { launch_app "$@"; wait_ready 0.25; }
stop_app() { stop_pid "$app_pid" TERM 40; app_pid=''; }

log "starting the JAR once to create the schemas (Flyway); $("$java_bin" -version 2>&1 | head -n 1)"
t0=$SECONDS
start_app migrate
log "ready after $((SECONDS - t0)) s"

username() { printf 'user_%0*d' "$(( ${#users} > 4 ? ${#users} : 4 ))" "$1"; }
first_user=$(username 1)
code=$(curl -s -o "$work/register.json" -w '%{http_code}' --max-time 30 -X POST "$api/api/users" \
  -H 'Content-Type: application/json' \
  -d "{\"user\":{\"username\":\"$first_user\",\"email\":\"$first_user@bench.test\",\"password\":\"$password\"}}" || true)
[[ "$code" == 201 ]] || { cat "$work/register.json" >&2; die "registering $first_user gave $code, not 201"; }
hash=$(psql_su -d conduit -Atc "select password_hash from identity.user_account where username = '$first_user'")
# shellcheck disable=SC2016 # a literal $argon2id$ prefix
[[ "$hash" == '$argon2id$'* ]] || die "unexpected password hash format for $first_user: ${hash:0:20}..."

log "seeding: $users users, $articles articles, ~$favorites favorites, $comments comments"
t0=$SECONDS
timeout --foreground 1200 "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$pgsock" -p "$pg_port" -U postgres -d conduit \
  -v users="$users" -v articles="$articles" -v favorites="$favorites" -v comments="$comments" \
  -v hash="$hash" -P footer=off -f "$here/seed.sql" >"$work/seed.out" 2>&1 \
  || { cat "$work/seed.out" >&2; die "seeding failed"; }
seed_seconds=$((SECONDS - t0))
row_counts=$(sed -n '/table.*rows/,$p' "$work/seed.out")
log "seeded in ${seed_seconds} s"
printf '%s\n' "$row_counts" >&2
db_size=$(psql_su -d conduit -Atc "select pg_size_pretty(pg_database_size('conduit'))")

# Restart: the measured server starts against the seeded database, like a fresh instance would.
stop_app

# The AOT cache as the image build writes it (ansible role conduit_app): `java -XX:AOTCacheOutput=...
# -jar conduit.jar train` with the server's JVM options, as an unprivileged user when run as root
# (the training's embedded PostgreSQL refuses root). Without the training run's method profiles
# (-XX:-AOTRecordTraining): replayed, they cost 15 % of the steady-state throughput and made the
# start no faster (docs/benchmark.md, "Start-up").
aot_training_opts="-XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining"
train_aot_cache() { # $1: the cache file to write
  local dir="$work/aot-training" as_user=()
  mkdir -p "$dir"
  if [[ $EUID -eq 0 ]]; then
    chown nobody:nogroup "$dir"
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  fi
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
  if ! (cd "$dir" && env HOME="$dir" "${as_user[@]}" "$java_bin" $java_opts $aot_training_opts "-XX:AOTCacheOutput=$dir/conduit.aot" \
    "-Djava.io.tmpdir=$dir" -jar "$work/conduit.jar" train >"$work/app-aot-training.log" 2>&1); then
    grep -v '\[aot\]' "$work/app-aot-training.log" | tail -n 20 >&2
    die "the AOT training run failed"
  fi
  [[ -s "$dir/conduit.aot" ]] || die "the training run wrote no AOT cache"
  mv "$dir/conduit.aot" "$1"
  rm -rf "$dir"
  log "AOT cache: $(du -h "$1" | cut -f1) from the training run (java -jar conduit.jar train)"
}

if [[ "$startup" == 1 ]]; then
  # shellcheck source=scripts/bench/startup.sh
  source "$here/startup.sh"
  exit 0
fi
if [[ "$aot" == 1 ]]; then
  train_aot_cache "$work/conduit.aot"
  java_opts="${java_opts:+$java_opts }-XX:AOTCache=$work/conduit.aot"
fi
if [[ "$jfr" == 1 ]]; then
  start_app bench "-XX:StartFlightRecording=filename=$results/server.jfr,settings=profile,dumponexit=true"
else
  start_app bench
fi
bench_pid=$app_pid
log "bench server ready (pid $bench_pid), API $api, metrics $admin/metrics"

# Server RSS, sampled every half second until the server ends (bounded by a generous deadline).
sampler_limit=$(( 600 + 12 * (duration_s + warmup_s + 30) ))
(
  end=$((SECONDS + sampler_limit))
  while kill -0 "$bench_pid" 2>/dev/null && (( SECONDS < end )); do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$bench_pid/status" 2>/dev/null || true)
    [[ -n "$rss" ]] && echo "$(date +%s.%N) $rss"
    sleep 0.5
  done
) >"$work/rss.log" &
sampler_pid=$!

# ---------------------------------------------------------------------------------------------
# Request files: paths, tokens and bodies that wrk rotates over
data="$work/data"; mkdir -p "$data"
step=$(( users / tokens_wanted )); (( step >= 1 )) || step=1
: >"$data/tokens.txt"; : >"$data/users.tsv"
login_failures=0
log "logging in $tokens_wanted bench users through the API"
for ((i = 0; i < tokens_wanted; i++)); do
  u=$(username $(( 1 + i * step )))
  response=$(curl -s --max-time 15 -X POST "$api/api/users/login" -H 'Content-Type: application/json' \
    -d "{\"user\":{\"email\":\"$u@bench.test\",\"password\":\"$password\"}}" || true)
  token=$(printf '%s' "$response" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  if [[ -n "$token" ]]; then
    echo "$token" >>"$data/tokens.txt"; printf '%s\t%s\n' "$u" "$token" >>"$data/users.tsv"
  else
    login_failures=$((login_failures + 1))
  fi
done
token_count=$(wc -l <"$data/tokens.txt")
log "$token_count tokens ($login_failures logins failed)"
(( token_count > 0 )) || die "no bench user could log in (last answer: ${response:0:200})"

q() { psql_su -d conduit -At "$@"; }
echo "/api/articles?limit=20" >"$data/list.paths"
q -c "select '/api/articles?tag=' || name || '&limit=20' from articles.tag order by article_count desc, name limit 20" >"$data/tag.paths"
# Articles read and commented in proportion to their popularity: weighted sampling without
# replacement (Efraimidis-Spirakis: smallest -ln(u)/weight first), repeatable through setseed().
q -c "select setseed(0.17)" -c "
  select '/api/articles/' || a.slug from articles.article a
  left join (select article_id, count(*) as n from articles.favorite group by article_id) f on f.article_id = a.id
  order by -ln(1 - random()) / (1 + coalesce(f.n, 0)) limit 1000" | grep '^/' >"$data/article.paths"
q -c "select setseed(0.23)" -c "
  select '/api/articles/' || a.slug || '/comments' from articles.article a
  left join (select article_id, count(*) as n from comments.comment group by article_id) c on c.article_id = a.id
  order by -ln(1 - random()) / (1 + coalesce(c.n, 0)) limit 1000" | grep '^/' >"$data/comments.paths"
echo "/api/articles/feed?limit=20" >"$data/feed.paths"
echo "/api/tags" >"$data/tags.paths"
echo "/api/users/login" >"$data/login.paths"
awk -v users="$users" -v pw="$password" 'BEGIN { w = length(users "") < 4 ? 4 : length(users "")
  for (n = 1; n <= users; n++) printf "{\"user\":{\"email\":\"user_%0*d@bench.test\",\"password\":\"%s\"}}\n", w, n, pw }' \
  >"$data/login.bodies"
echo "/api/user" >"$data/user.paths"
cp "$data/list.paths" "$data/list-user.paths"
cp "$data/article.paths" "$data/article-user.paths"

# The mixed workload: BENCH_MIXED_REQUESTS (20,000) requests drawn once, repeatably (awk srand),
# in these proportions (per 1,000): signed-in reads 700 (home list 200, list by tag 80, article
# 200, its comments 100, feed 70, a profile 20, current user 30), anonymous reads 250 (home list
# 100, article 100, tags 30, comments 20), writes 49 (favorite 15, unfavorite 5, follow 5, unfollow
# 2, comment 15, new article 4, update of one's own article 3) and 1 login. Signed-in requests
# carry the token of one of the logged-in users (all of them, 1,000 in a full run), chosen at
# random; articles by popularity (article.paths); an update goes to an article of its author.
q -c "select a.slug || chr(9) || u.username from articles.article a join identity.user_account u on u.id = a.author_id
      order by a.id limit 20000" >"$work/authored.tsv"
awk -F'\t' -v n="${BENCH_MIXED_REQUESTS:-20000}" -v users="$users" -v pw="$password" '
  FILENAME == ARGV[1] { user[++nu] = $1; token[nu] = $2; tok[$1] = $2; next }
  FILENAME == ARGV[2] { slug[++ns] = substr($0, 15); next }          # /api/articles/<slug>
  FILENAME == ARGV[3] { tagp[++nt] = $0; next }
  FILENAME == ARGV[4] { if ($2 in tok) { own[++no] = $1; owner[no] = $2 } next }
  END {
    srand(42)
    split("200 80 200 100 70 20 30 100 100 30 20 15 5 5 2 15 4 3 1", w, " ")
    split("list tag article comments feed profile user a-list a-article a-tags a-comments favorite unfavorite follow unfollow comment create update login", kind, " ")
    for (i = 1; i <= 19; i++) total += w[i]
    w_len = length(users "") < 4 ? 4 : length(users "")
    for (r = 1; r <= n; r++) {
      x = rand() * total; k = 0; acc = 0
      while (acc <= x) acc += w[++k]
      i = 1 + int(rand() * nu); t = token[i]; s = slug[1 + int(rand() * ns)]
      other = user[1 + int(rand() * nu)]; if (other == user[i]) other = user[1 + (i % nu)]
      m = "GET"; b = "-"; tk = t
      if (kind[k] == "list") p = "/api/articles?limit=20"
      else if (kind[k] == "tag") p = tagp[1 + int(rand() * nt)]
      else if (kind[k] == "article") p = "/api/articles/" s
      else if (kind[k] == "comments") p = "/api/articles/" s "/comments"
      else if (kind[k] == "feed") p = "/api/articles/feed?limit=20"
      else if (kind[k] == "profile") p = "/api/profiles/" other
      else if (kind[k] == "user") p = "/api/user"
      else if (kind[k] == "a-list") { p = "/api/articles?limit=20"; tk = "-" }
      else if (kind[k] == "a-article") { p = "/api/articles/" s; tk = "-" }
      else if (kind[k] == "a-tags") { p = "/api/tags"; tk = "-" }
      else if (kind[k] == "a-comments") { p = "/api/articles/" s "/comments"; tk = "-" }
      else if (kind[k] == "favorite") { m = "POST"; p = "/api/articles/" s "/favorite"; b = "" }
      else if (kind[k] == "unfavorite") { m = "DELETE"; p = "/api/articles/" s "/favorite" }
      else if (kind[k] == "follow") { m = "POST"; p = "/api/profiles/" other "/follow"; b = "" }
      else if (kind[k] == "unfollow") { m = "DELETE"; p = "/api/profiles/" other "/follow" }
      else if (kind[k] == "comment") { m = "POST"; p = "/api/articles/" s "/comments"
        b = "{\"comment\":{\"body\":\"A comment of the mixed workload, number " r ".\"}}" }
      else if (kind[k] == "create") { m = "POST"; p = "/api/articles"
        b = "{\"article\":{\"title\":\"Mixed workload article " r "\",\"description\":\"one of the writes\",\"body\":\"Written by the benchmark, request " r ".\",\"tagList\":[\"bench\"]}}" }
      else if (kind[k] == "update") { j = 1 + int(rand() * no); m = "PUT"; p = "/api/articles/" own[j]; tk = tok[owner[j]]
        b = "{\"article\":{\"body\":\"Updated by the benchmark, request " r ".\"}}" }
      else if (kind[k] == "login") { m = "POST"; p = "/api/users/login"; tk = "-"
        b = sprintf("{\"user\":{\"email\":\"%s@bench.test\",\"password\":\"%s\"}}", user[i], pw) }
      if (b == "") b = "-"
      printf "%s\t%s\t%s\t%s\n", m, p, tk, b
    }
  }' "$data/users.tsv" "$data/article.paths" "$data/tag.paths" "$work/authored.tsv" >"$data/mixed.requests"
echo "/api/articles?limit=20" >"$data/mixed.paths"

# ---------------------------------------------------------------------------------------------
# Measurements
clk_tck=$(getconf CLK_TCK)
cpu_ticks_of() { # pid -> utime+stime in ticks (0 if gone)
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
pg_cpu_ticks() { # the postmaster and all its children (backends, checkpointer, ...)
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v pg="$pg_pid" \
    '{ pid = $1; sub(/^.*\) /, ""); if (pid == pg || $2 == pg) t += $12 + $13 } END { print t + 0 }' || true
}
machine_busy_ticks() { # CPU time of the whole machine, all processes (ticks), from /proc/stat
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
children_cpu_seconds() { # sets KIDS to the user+sys seconds of this shell's reaped children (wrk)
  times >"$work/times"  # not in a subshell: a subshell's children start from zero
  KIDS=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times")
}
status_counts() { # Prometheus counter lines of http.server.requests -> "route status count"
  curl -s --max-time 10 "$admin/metrics" | awk '
    /^http_server_requests_seconds_count\{/ {
      route = $0; sub(/.*route="/, "", route); sub(/".*/, "", route)
      status = $0; sub(/.*status="/, "", status); sub(/".*/, "", status)
      print route, status, $NF }' || true
}
status_diff() { # before after -> "route status count" of the requests in between (not /health)
  awk 'NR == FNR { before[$1 " " $2] = $3; next }
       { d = $3 - before[$1 " " $2]; if (d > 0 && $1 !~ /^\/health/) printf "%s %s %d\n", $1, $2, d }' "$1" "$2"
}
histograms() { # the request-latency histogram buckets: "method route le count" (summed over statuses)
  curl -s --max-time 10 "$admin/metrics" | awk '
    /^http_server_requests_seconds_bucket\{/ {
      m = $0; sub(/.*method="/, "", m); sub(/".*/, "", m)
      r = $0; sub(/.*route="/, "", r); sub(/".*/, "", r)
      le = $0; sub(/.*le="/, "", le); sub(/".*/, "", le)
      c[m " " r " " le] += $NF }
    END { for (k in c) print k, c[k] }' || true
}
per_kind() { # before after -> Markdown rows: method route | requests | p50 ms | p99 ms (server side, bucket bounds)
  awk 'NR == FNR { before[$1 " " $2 " " $3] = $4; next }
       $2 !~ /^\/health/ { k = $1 " " $2; d = $4 - before[$1 " " $2 " " $3]; if ($3 == "+Inf") total[k] = d
         else { n[k]++; le[k, n[k]] = $3 + 0; cum[k, n[k]] = d } }
       END {
         for (k in total) {
           if (total[k] <= 0) continue
           # buckets in ascending order of le (simple insertion sort)
           for (i = 2; i <= n[k]; i++) for (j = i; j > 1 && le[k, j] < le[k, j - 1]; j--) {
             t = le[k, j]; le[k, j] = le[k, j - 1]; le[k, j - 1] = t
             t = cum[k, j]; cum[k, j] = cum[k, j - 1]; cum[k, j - 1] = t }
           p50 = p99 = "> " le[k, n[k]] * 1000
           for (i = n[k]; i >= 1; i--) { if (cum[k, i] >= 0.5 * total[k]) p50 = sprintf("%.2f", le[k, i] * 1000)
                                         if (cum[k, i] >= 0.99 * total[k]) p99 = sprintf("%.2f", le[k, i] * 1000) }
           split(k, mr, " ")
           printf "| %s %s | %d | ≤ %s | ≤ %s |\n", mr[1], mr[2], total[k], p50, p99 }
       }' "$1" "$2" | sort -t'|' -k3 -nr
}
settle() { # waits (at most 15 s) until the server has no request in flight, e.g. queued logins
  local deadline=$((SECONDS + 15)) active
  while (( SECONDS < deadline )); do
    active=$(curl -s --max-time 5 "$admin/metrics" | awk '/^http_server_requests_active[ {]/ { print $NF; exit }' || true)
    if [[ -z "$active" ]]; then sleep 1; return 0; fi   # no such gauge: a fixed pause instead
    awk -v a="$active" 'BEGIN { exit !(a + 0 <= 0) }' && return 0
    sleep 0.2
  done
  log "requests still in flight after 15 s"
}
export LC_NUMERIC=C.UTF-8
fmt_thousands() { awk -v n="$1" 'BEGIN { n = sprintf("%.0f", n); s = ""; while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) } print n s }'; }

# key | label | method | tokens | bodies | target text | min req/s | max p99 ms | no errors
endpoint_spec() {
  case "$1" in
    list)     echo "list articles (anonymous, limit 20)|GET|no|no|≥ 12,000 req/s|12000|0|no" ;;
    list-user) echo "list articles (signed in, limit 20)|GET|yes|no|≥ 8,000 req/s|8000|0|no" ;;
    tag)      echo "list by tag (top 20 tags, limit 20)|GET|no|no|—|0|0|no" ;;
    article)  echo "single article (1,000 slugs)|GET|no|no|≥ 4,000 req/s|4000|0|no" ;;
    article-user) echo "single article (signed in, 1,000 slugs)|GET|yes|no|≥ 9,000 req/s|9000|0|no" ;;
    feed)     echo "feed (token, limit 20)|GET|yes|no|≥ 4,000 req/s, p99 ≤ 50 ms|4000|50|no" ;;
    comments) echo "comments of an article (1,000 slugs)|GET|no|no|—|0|0|no" ;;
    tags)     echo "tags|GET|no|no|≥ 8,000 req/s|8000|0|no" ;;
    login)    echo "login (Argon2id)|POST|no|yes|≥ 40 req/s, no errors|40|0|yes" ;;
    user)     echo "current user (token)|GET|yes|no|≥ 12,000 req/s|12000|0|no" ;;
    mixed)    echo "mixed workload (all users signed in, 5 % writes)|MIXED|yes|yes|≥ 4,000 req/s, p99 ≤ 100 ms, no errors|4000|100|yes" ;;
    *) return 1 ;;
  esac
}
# The issue's targets hold for this set-up only; other runs show the target without a verdict.
verdict_applies=no
(( articles >= 20000 && connections == 64 && duration_s >= 10 )) && verdict_applies=yes

run_wrk() { # key seconds output-file
  local key=$1 secs=$2 out=$3 method tokens bodies
  IFS='|' read -r _ method tokens bodies _ <<<"$(endpoint_spec "$key")"
  BENCH_METHOD=$method BENCH_PATHS="$data/$key.paths" \
  BENCH_TOKENS=$([[ $tokens == yes ]] && echo "$data/tokens.txt") \
  BENCH_BODIES=$([[ $bodies == yes && $key != mixed ]] && echo "$data/login.bodies") \
  BENCH_REQUESTS=$([[ $key == mixed ]] && echo "$data/mixed.requests") \
    timeout --foreground $((secs + 60)) wrk -t "$threads" -c "$connections" -d "${secs}s" --timeout "$wrk_timeout" \
    -s "$here/bench.lua" "$api" >"$out" 2>&1 || true
}

rows=() details=() busy=()
peak_rss_kb=0
IFS=',' read -r -a endpoint_list <<<"$endpoints"
# Priming: every read endpoint of the run gets one warm-up before the first measurement, so the JIT
# has compiled the code they share (routing, JSON, the caches, the limiter) and the order of the
# endpoints does not decide their numbers (the first one measured used to pay for it: the
# anonymous list, 17 % below the same build measured third). Writes (login, mixed) are left out:
# they would change the data the reads are measured on. BENCH_PRIME=0 skips it.
if [[ ${BENCH_PRIME:-1} == 1 ]] && (( warmup_s > 0 )); then
  for key in "${endpoint_list[@]}"; do
    IFS='|' read -r _ method _ _ <<<"$(endpoint_spec "$key" || echo "|")"
    [[ $method == GET ]] || continue
    log "priming: $key for ${warmup_s}s"
    run_wrk "$key" "$warmup_s" "$results/wrk-$key-prime.txt"
  done
  settle
fi
for key in "${endpoint_list[@]}"; do
  spec=$(endpoint_spec "$key") || die "unknown endpoint '$key' in BENCH_ENDPOINTS (list,list-user,tag,article,article-user,feed,comments,tags,login,user,mixed)"
  IFS='|' read -r label method uses_tokens uses_bodies target min_rps max_p99 no_errors <<<"$spec"
  path=$(head -n 1 "$data/$key.paths")
  args=(-s --max-time 15 -o "$results/probe-$key.json" -w '%{http_code}' -X "$method")
  [[ $uses_tokens == yes ]] && args+=(-H "Authorization: Token $(head -n 1 "$data/tokens.txt")")
  [[ $uses_bodies == yes && $key != mixed ]] && args+=(-H 'Content-Type: application/json' -d "$(head -n 1 "$data/login.bodies")")
  [[ $key == mixed ]] && args=(-s --max-time 15 -o "$results/probe-$key.json" -w '%{http_code}' -H "Authorization: Token $(head -n 1 "$data/tokens.txt")")
  probe=$(curl "${args[@]}" "$api$path" || true)
  if [[ "$probe" == 404 ]] && grep -q '"route"' "$results/probe-$key.json"; then
    log "$key: $method $path is not served (404 route not found); skipped"
    rows+=("| $label | — | — | — | not served (404) | $target |")
    continue
  fi
  if [[ "$probe" == 000 ]]; then
    kill -0 "$bench_pid" 2>/dev/null || die "the server died (see $results)"
    log "$key: probe got no answer within 15 s"
  fi
  log "$key: $method $path (probe $probe): warm-up ${warmup_s}s, then ${duration_s}s with $connections connections"
  (( warmup_s > 0 )) && run_wrk "$key" "$warmup_s" "$results/wrk-$key-warmup.txt"
  settle

  status_counts >"$work/metrics-before"
  [[ $key == mixed ]] && histograms >"$work/histograms-before"
  psql_su -d conduit -Atc 'select pg_stat_statements_reset()' >/dev/null || true
  app_t0=$(cpu_ticks_of "$bench_pid"); pg_t0=$(pg_cpu_ticks); redis_t0=$(cpu_ticks_of "$redis_pid")
  children_cpu_seconds; kids_t0=$KIDS
  all_t0=$(machine_busy_ticks)
  w0=$(date +%s.%N)
  run_wrk "$key" "$duration_s" "$results/wrk-$key.txt"
  w1=$(date +%s.%N)
  maven=''
  pgrep -f 'plexus-classworlds' >/dev/null 2>&1 && maven=' (a Maven build was running)'
  children_cpu_seconds; kids_t1=$KIDS
  all_t1=$(machine_busy_ticks)
  app_t1=$(cpu_ticks_of "$bench_pid"); pg_t1=$(pg_cpu_ticks); redis_t1=$(cpu_ticks_of "$redis_pid")
  status_counts >"$work/metrics-after"
  if [[ $key == mixed ]]; then
    histograms >"$work/histograms-after"
    per_kind "$work/histograms-before" "$work/histograms-after" >"$results/mixed-kinds.md"
    awk -F'\t' '{ k = $1 " " $2; if (k !~ /\/api\/articles\/feed/) sub(/\/api\/articles\/[^\/?]+/, "/api/articles/{slug}", k); sub(/\/api\/profiles\/[^\/]+/, "/api/profiles/{username}", k)
                  sub(/\?.*/, "", k); if ($3 != "-") k = k " (token)"; n[k]++ }
                END { for (k in n) printf "| %s | %.1f %% |\n", k, 100 * n[k] / NR }' "$data/mixed.requests" | sort -t'|' -k3 -nr >"$results/mixed-mix.md"
  fi
  status_diff "$work/metrics-before" "$work/metrics-after" >"$results/statuses-$key.txt"
  psql_su -d conduit -P pager=off -c "
    select calls, round(total_exec_time::numeric, 1) as total_ms, round(mean_exec_time::numeric, 3) as mean_ms,
           round(max_exec_time::numeric, 1) as max_ms, rows, shared_blks_hit as hit, shared_blks_read as read,
           left(regexp_replace(query, '\s+', ' ', 'g'), 400) as query
    from pg_stat_statements where query not like '%pg_stat_statements%'
    order by total_exec_time desc limit 10" >"$results/pgss-$key.txt" 2>&1 || true

  result=$(grep '^BENCH_RESULT' "$results/wrk-$key.txt" || true)
  if [[ -z "$result" ]]; then
    log "$key: wrk printed no result (see $results/wrk-$key.txt)"
    rows+=("| $label | — | — | — | wrk failed | $target |")
    continue
  fi
  declare -A r=()
  for kv in ${result#BENCH_RESULT }; do r[${kv%%=*}]=${kv#*=}; done
  socket_errors=$(( r[connect] + r[read] + r[write] + r[timeout] ))
  errors=$(( r[non2xx] + socket_errors ))
  # Which statuses the server answered (its own metrics), e.g. "404×123" for the non-2xx ones.
  bad_statuses=$(awk '$2 !~ /^[23]/ { s[$2] += $3 } END { for (k in s) printf "%s%s×%d", (n++ ? ", " : ""), k, s[k] }' "$results/statuses-$key.txt")
  routes=$(awk '{ print $1 }' "$results/statuses-$key.txt" | sort -u | paste -sd' ' -)
  error_cell=$(fmt_thousands "$errors")
  if (( errors > 0 )); then
    parts=()
    [[ -n "$bad_statuses" ]] && parts+=("$bad_statuses")
    (( r[timeout] > 0 )) && parts+=("timeout×${r[timeout]}")
    (( r[connect] + r[read] + r[write] > 0 )) && parts+=("socket×$(( r[connect] + r[read] + r[write] ))")
    [[ "$routes" == *UNMATCHED* ]] && parts+=("route not served")
    if (( ${#parts[@]} )); then
      joined=$(IFS=';'; echo "${parts[*]}")
      error_cell="$error_cell (${joined//;/; })"
    fi
  fi
  verdict=''
  if [[ $verdict_applies == yes && "$target" != "—" ]]; then
    ok=$(awk -v rps="${r[rps]}" -v p99="${r[p99_ms]}" -v min="$min_rps" -v max="$max_p99" \
             -v errs="$errors" -v strict="$no_errors" -v total="${r[requests]}" \
      'BEGIN { ok = rps >= min && (max == 0 || p99 <= max) && (strict != "yes" || errs == 0) && errs * 100 <= total; print ok ? "met" : "missed" }')
    verdict=" — **$ok**"
  fi
  rows+=("| $label | $(fmt_thousands "${r[rps]}") | ${r[p50_ms]} | ${r[p99_ms]} | $error_cell | $target$verdict |")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$label" "${r[rps]}" "${r[p99_ms]}" "$min_rps" "$max_p99" >>"$results/chart.tsv"

  secs=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.3f", b - a }')
  cores() { awk -v t="$1" -v s="$secs" -v c="$clk_tck" 'BEGIN { printf "%.2f", t / c / s }'; }
  # CPU used by everything else on the machine (other processes, the kernel's softirqs aside):
  # more than 0.2 cores means the numbers of this endpoint are not clean.
  other=$(awk -v all="$((all_t1 - all_t0))" -v app="$((app_t1 - app_t0))" -v pg="$((pg_t1 - pg_t0))" \
              -v rd="$((redis_t1 - redis_t0))" -v k0="$kids_t0" -v k1="$kids_t1" -v c="$clk_tck" -v s="$secs" \
    'BEGIN { o = (all - app - pg - rd) / c / s - (k1 - k0) / s; printf "%.2f", o < 0 ? 0 : o }')
  if [[ -n "$maven" ]] || awk -v o="$other" 'BEGIN { exit !(o > 0.2) }'; then
    busy+=("$key: $other cores$maven"); log "$key: other processes used $other cores during the measurement$maven"
  fi
  rss_peak=$(awk -v a="$w0" -v b="$w1" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { printf "%d", m / 1024 }' "$work/rss.log")
  details+=("| $key | $(fmt_thousands "${r[requests]}") | ${r[p90_ms]} | ${r[max_ms]} | $(awk '{ printf "%s%s×%d", (n++ ? ", " : ""), $2, $3 }' "$results/statuses-$key.txt") | $(cores $((app_t1 - app_t0))) | $(cores $((pg_t1 - pg_t0))) | $(cores $((redis_t1 - redis_t0))) | $(awk -v a="$kids_t0" -v b="$kids_t1" -v s="$secs" 'BEGIN { printf "%.2f", (b - a) / s }') | $other | $rss_peak |")
  log "$key: ${r[rps]} req/s, p50 ${r[p50_ms]} ms, p99 ${r[p99_ms]} ms, errors $errors"
  unset r
done

# ---------------------------------------------------------------------------------------------
# Peak RSS, query plans, report
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$bench_pid/status" 2>/dev/null || echo 0)
peak_rss_kb=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$work/rss.log")
peak_rss_mb=$(( peak_rss_kb / 1024 )); hwm_mb=$(( hwm_kb / 1024 ))
rss_verdict=''
[[ $verdict_applies == yes ]] && rss_verdict=$([[ $peak_rss_mb -le 400 && $hwm_mb -le 400 ]] && echo ' — **met**' || echo ' — **missed**')

if [[ "$explain" == 1 ]]; then
  timeout 300 "$pg_bin/psql" -X -v ON_ERROR_STOP=0 -h "$pgsock" -p "$pg_port" -U postgres -d conduit \
    -P pager=off -f "$here/explain.sql" >"$results/explain.txt" 2>&1 || true
fi
grep -E 'duration: [0-9.]+ ms' "$work/postgres.log" | head -n 500 >"$results/postgres-slow.log" || true
grep -vE '"logger_name":"conduit.access"' "$work/app-bench.log" | head -n 500 >"$results/app-bench-nonaccess.log" || true
# Statements per request and server-side latency per route, from the JSON access log.
awk '/"logger_name":"conduit.access"/ {
       route = $0; sub(/.*"route":"/, "", route); sub(/".*/, "", route)
       st = $0; if (sub(/.*"dbStatements":/, "", st)) { sub(/[,}].*/, "", st) } else st = 0
       lat = $0; sub(/.*"latencyMs":/, "", lat); sub(/[,}].*/, "", lat)
       n[route]++; s[route] += st; l[route] += lat; if (st > mx[route]) mx[route] = st }
     END { for (k in n) printf "| %s | %d | %.2f | %d | %.2f |\n", k, n[k], s[k] / n[k], mx[k], l[k] / n[k] }' \
  "$work/app-bench.log" | sort >"$work/routes.md" || true

if [[ "$jfr" == 1 ]]; then
  stop_app   # writes server.jfr
  for view in hot-methods allocation-by-class gc-pauses contention-by-site pinned-threads; do
    echo "==== jfr view $view"
    timeout 120 "$JAVA_HOME/bin/jfr" view --width 160 "$view" "$results/server.jfr" 2>&1 || true
  done >"$results/hot-methods.txt"
fi
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_total=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
git_rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD -- app modules 2>/dev/null || git_rev="$git_rev (with uncommitted changes)"
finished_at=$(date -u +%s)
report="$results/results.md"
{
  echo "## Conduit benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')$([[ $quick == 1 ]] && echo ' (quick mode: a smoke run, not comparable with the targets)')"
  echo
  echo "| endpoint | requests/s | p50 ms | p99 ms | errors | target |"
  echo "| --- | ---: | ---: | ---: | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  if (( ${#busy[@]} )); then
    busy_list=$(IFS=';'; echo "${busy[*]}")
    echo "**Not a clean measurement: other processes used CPU during ${busy_list//;/; } (column \"other CPU\" below).**"
    echo
  fi
  echo "Server peak RSS: **${peak_rss_mb} MB** (VmRSS sampled every 0.5 s; VmHWM ${hwm_mb} MB) — target ≤ 400 MB${rss_verdict}"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); the run took $(( (finished_at - started_at) / 60 )) min $(( (finished_at - started_at) % 60 )) s"
  echo "- Machine: \`nproc\` = $(nproc), $cpu_model, $mem_total RAM, $(uname -sr)"
  echo "- Command: \`$given_command\`"
  echo "- Load: wrk $( (wrk -v 2>&1 || true) | awk 'NR == 1 {print $2}'), $threads threads, $connections connections, ${duration_s} s per endpoint after a ${warmup_s} s warm-up, timeout $wrk_timeout, over loopback; load tool, PostgreSQL, Redis and server share the machine"
  echo "- Server: conduit.jar sha256 $jar_sha (commit $git_rev), $("$java_bin" -version 2>&1 | head -n 1), JVM options: ${java_opts:-none (JVM defaults)}, memory limit: ${memory_limit:-none}, CONDUIT_DB_POOL_SIZE=$pool_size, rate limits: $rate_limits${rate_limit_value:+ ($rate_limit_value)}"
  echo "- PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') (shared_buffers 1GB, fsync on, synchronous_commit on), Redis $(redis-server --version | sed -E 's/.* v=([^ ]+).*/\1/') (no persistence)"
  echo "- Data set ($db_size, seeded in ${seed_seconds} s; $token_count sessions for feed and current user):"
  echo
  echo '```'
  printf '%s\n' "$row_counts"
  echo '```'
  echo
  echo "Per endpoint: statuses the server counted, latency p90 and max (ms), CPU used (cores, of $(nproc)) by server, PostgreSQL, Redis, wrk and everything else on the machine, server RSS peak (MB):"
  echo
  echo "| endpoint | requests | p90 ms | max ms | statuses | server CPU | PostgreSQL CPU | Redis CPU | wrk CPU | other CPU | RSS MB |"
  echo "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${details[@]}"
  echo
  if [[ -f "$results/mixed-kinds.md" ]]; then
    echo "Mixed workload, per request kind (server-side latency from the request histogram, as bucket bounds; statuses above):"
    echo
    echo "| request | requests | p50 ms | p99 ms |"
    echo "| --- | ---: | ---: | ---: |"
    cat "$results/mixed-kinds.md"
    echo
    echo "The mix as drawn ($(wc -l <"$data/mixed.requests") requests, rotated; \"(token)\": signed in):"
    echo
    echo "| request | share |"
    echo "| --- | ---: |"
    cat "$results/mixed-mix.md"
    echo
  fi
  echo "Per route over the whole run (warm-ups included), from the access log: requests, SQL statements per request (mean, max), server-side latency mean (ms):"
  echo
  echo "| route | requests | statements | max statements | latency ms |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  cat "$work/routes.md"
} >"$report"
cp "$data"/*.paths "$results/" 2>/dev/null || true

# The chart (docs/benchmark.md shows it): requests/s per endpoint as bars, the target as a tick,
# p99 written beside each bar; bars are green where the target is met, amber where it is missed.
if [[ -s "$results/chart.tsv" ]]; then
  awk -F'\t' -v title="Conduit benchmark, $(date -u '+%Y-%m-%d') ($(nproc) cores, commit $git_rev)" '
    { key[NR] = $1; label[NR] = $2; rps[NR] = $3 + 0; p99[NR] = $4 + 0; min[NR] = $5 + 0; maxp[NR] = $6 + 0
      if (rps[NR] > top) top = rps[NR]; if (min[NR] > top) top = min[NR] }
    END {
      n = NR; left = 300; width = 560; bar = 22; gap = 10; head = 40
      scale = top > 0 ? width / (top * 1.05) : 1
      h = head + n * (bar + gap) + 40
      printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", left + width + 140, h
      printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      printf "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", title
      for (i = 1; i <= n; i++) {
        y = head + (i - 1) * (bar + gap)
        met = (min[i] == 0 || rps[i] >= min[i]) && (maxp[i] == 0 || p99[i] <= maxp[i])
        color = min[i] == 0 ? "#8da0cb" : (met ? "#66a61e" : "#e6ab02")
        gsub(/&/, "\\&amp;", label[i]); gsub(/</, "\\&lt;", label[i])
        printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 8, y + 15, label[i]
        printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", left, y, rps[i] * scale, bar, color
        if (min[i] > 0) printf "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>\n", left + min[i] * scale, left + min[i] * scale, y - 3, y + bar + 3
        printf "<text x=\"%.1f\" y=\"%d\">%d req/s, p99 %.0f ms</text>\n", left + (rps[i] > min[i] ? rps[i] : min[i]) * scale + 6, y + 15, rps[i], p99[i]
      }
      printf "<text x=\"%d\" y=\"%d\" fill=\"#555\">bar: requests/s (green: target met, amber: missed, blue: no target); black tick: the target</text>\n", left, h - 12
      printf "</svg>\n"
    }' "$results/chart.tsv" >"$results/chart.svg"
fi

echo
cat "$report"
echo
echo "Results: $report and chart.svg (wrk outputs, statuses, pg_stat_statements per endpoint, EXPLAIN plans in $results)"
