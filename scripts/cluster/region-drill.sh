#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions run through wait_for and the EXIT trap
# The two-region failover drill (docs/cluster.md, "The region drill"): region A lost entirely
# under load, region B promoted, then A rebuilt from B and made primary again. On 127.0.0.1:
#   region A   REGION_INSTANCES (2) conduit.jar, PostgreSQL primary, Redis primary, its ALB stand-in
#   region B   as many instances, PostgreSQL streaming replica of A (pg_basebackup -R, hot standby),
#              Redis replica of A (replicaof), its own ALB stand-in
#   Route 53   an HAProxy in front of both: GET /health/region?writable=true on A's ALB and
#              GET /health/region on B's every 1 s, 3 to fail, 3 to pass (Route 53's fast checks,
#              10 s x 3, scaled down ten times); traffic to A while it is healthy, else to B
# Under load.py's write-accounting load through the Route 53 stand-in, every process of region A
# (instances, PostgreSQL and its backends, Redis, the ALB) gets SIGKILL at once. Once the stand-in
# has moved to B, region_failover (the local stand-in for `scripts/region failover`) promotes
# B's PostgreSQL (pg_promote) and Redis (REPLICAOF NO ONE). The load stops and reads every
# acknowledged write back from B. Then the failback (region_failback*, for `scripts/region
# failback`), under a second load: A rebuilt as a replica of B (a fresh pg_basebackup, Redis
# replicaof B), its instances started, writes frozen on B, A promoted once it has caught up, Redis
# failed over to A (FAILOVER: planned, no loss), B's PostgreSQL re-created as a replica of A;
# then everything acknowledged by either load is read back from A. report.py prints the table
# and PASS/FAIL.
#
#   scripts/cluster/region-drill.sh        about 80 s on 2 cores; exit 1 when a criterion fails
#
# Environment (the load settings are the drills' own, docs/cluster.md):
#   REGION_DIR=/tmp/conduit-region     work dir: a/ and b/ are the regions (each laid out as a
#                                      cluster work dir), the stand-in, load and report at the top
#   REGION_BASE_PORT=18200             Route 53 stand-in on it; region A from +10 (ALB +10,
#                                      instances +11.., admin +21.., Redis +25, PostgreSQL +28),
#                                      region B from +40 the same way
#   REGION_INSTANCES=2                 instances per region
#   DRILL_WORKERS=12 DRILL_RATE=80 DRILL_USERS=24   load: threads, requests/s, users
#   DRILL_REGION_READERS=2             more load clients that only read (load.py --readers): a
#                                      worker retrying a write sends no reads meanwhile
#   DRILL_REGION_WARMUP=10             seconds of load before the loss (sessions older than the lag)
#   DRILL_REGION_DECIDE=2              seconds from the stand-in moving to B to the failover command
#   DRILL_TAIL=6                       seconds of load after the failover / the failback
#   DRILL_CPU_BUSY=1 DRILL_CPU_BURNERS=<cores> DRILL_CPU_NICE=10   the CPU-busy mode, as the drills
#   CLUSTER_JAR, CLUSTER_JAVA_OPTS, CONDUIT_*   as for start.sh
set -Eeuo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -E/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  '') ;;
  *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

REGION_DIR=${REGION_DIR:-/tmp/conduit-region}
base=${REGION_BASE_PORT:-18200}
instances=${REGION_INSTANCES:-2}
workers=${DRILL_WORKERS:-12}
rate=${DRILL_RATE:-80}
users=${DRILL_USERS:-24}
readers=${DRILL_REGION_READERS:-2}
warmup=${DRILL_REGION_WARMUP:-10}
decide=${DRILL_REGION_DECIDE:-2}
tail_s=${DRILL_TAIL:-6}
java_opts=${CLUSTER_JAVA_OPTS:--Xms128m -Xmx384m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}
(( instances >= 1 && instances <= 4 )) || cdie "REGION_INSTANCES must be 1 to 4"
cpu_busy_settings
t_begin=$(date +%s)
r53_port=$base
top=$REGION_DIR

# ---------------------------------------------------------------------------------------------
# Two regions, each a cluster work dir of its own (lib.sh's helpers act on CLUSTER_DIR and the
# settings of its cluster.env); region_use switches between them.
region_use() { # a|b|top
  if [[ "$1" == top ]]; then
    CLUSTER_DIR=$top
  else
    CLUSTER_DIR=$top/$1
    cluster_load_env
  fi
}

region_write_env() { # region base-port: the region's cluster.env (ports, passwords, paths)
  local r=$1 p=$2 n
  APP_PORTS=(''); ADMIN_PORTS=('')
  for n in $(seq 1 "$instances"); do APP_PORTS+=($((p + n))); ADMIN_PORTS+=($((p + 10 + n))); done
  mkdir -p "$top/$r"/{bin,conf,data,logs,run/secrets}
  chmod 755 "$top/$r" "$top/$r/logs"
  chmod 700 "$top/$r/run/secrets"
  {
    echo "# written by scripts/cluster/region-drill.sh: region $r"
    printf 'REGION=%q\nALB_PORT=%q\nPG_PORT=%q\nINSTANCES=%q\n' "$r" "$p" $((p + 18)) "$instances"
    printf 'APP_PORTS=(%s)\nADMIN_PORTS=(%s)\nREDIS_PORTS=(%s)\n' "'' ${APP_PORTS[*]:1}" "'' ${ADMIN_PORTS[*]:1}" \
      "'' $((p + 15))"
    for v in DB_PASSWORD REDIS_PASSWORD REDIS_ADMIN_PASSWORD REPL_PASSWORD PG_BIN PG_OS_USER JAVA_HOME; do
      printf '%s=%q\n' "$v" "${!v}"
    done
    printf 'ALB_SOCK=%q\n' "$top/$r/run/haproxy-alb.sock"
  } >"$top/$r/cluster.env"
  chmod 600 "$top/$r/cluster.env"
}

as_pg() { # command...: as the PostgreSQL OS user (root runs PostgreSQL as an unprivileged user)
  if [[ $EUID -eq 0 ]]; then
    setpriv "--reuid=$PG_OS_USER" "--regid=$(id -g "$PG_OS_USER")" --init-groups "$@"
  else
    "$@"
  fi
}

# This region's PostgreSQL becomes a fresh hot standby of the other region's: its data dir is
# replaced by a pg_basebackup -R of the primary on that port, with this node's own settings.
pg_replica_of() { # primary-port
  local pgdata="$CLUSTER_DIR/data/pgdata"
  rm -rf "$pgdata"
  mkdir -p "$pgdata" "$CLUSTER_DIR/run/pg"
  if [[ $EUID -eq 0 ]]; then chown "$PG_OS_USER:" "$pgdata" "$CLUSTER_DIR/run/pg"; fi
  chmod 700 "$pgdata"
  # (the password in the environment, not on a command line; -R writes it into primary_conninfo)
  if ! (export PGPASSWORD="$REPL_PASSWORD"
        as_pg timeout 120 "$PG_BIN/pg_basebackup" -D "$pgdata" -R -X stream -c fast \
          -d "host=127.0.0.1 port=$1 user=replicator application_name=region-$REGION" \
          >>"$CLUSTER_DIR/logs/basebackup.log" 2>&1); then
    tail -n 20 "$CLUSTER_DIR/logs/basebackup.log" >&2
    cdie "pg_basebackup from port $1 failed"
  fi
  write_postgres_conf
  replication_conf
}
replication_conf() { # settings for streaming replication, the same on both sides (each may lead)
  cat >>"$CLUSTER_DIR/data/pgdata/postgresql.conf" <<EOF
# --- scripts/cluster/region-drill.sh: streaming replication between the regions
wal_level = replica
max_wal_senders = 5
wal_keep_size = 512MB
hot_standby = on
wal_receiver_status_interval = 1s
EOF
}
pg_in_recovery() { [[ "$(pg_sql 'select pg_is_in_recovery()')" == "$1" ]]; }
pg_lsn_of() { pg_sql "select $1"; }
# 0 when this region's standby has replayed everything up to the lsn
pg_replayed() { [[ "$(pg_sql "select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '$1') >= 0")" == t ]]; }
pg_streaming_to() { # application_name: 0 when that standby streams from this primary
  [[ "$(pg_sql "select count(*) from pg_stat_replication where application_name = '$1' and state = 'streaming'")" == 1 ]]
}
redis_master_port() { rcli "$1" info replication 2>/dev/null | tr -d '\r' | awk -F: '$1 == "master_port" { print $2 }'; }

instances_start() { # starts this region's instances and waits until they and the ALB are ready
  local n
  for n in $(seq 1 "$INSTANCES"); do start_instance "$n"; done
  for n in $(seq 1 "$INSTANCES"); do wait_instance_ready "$n" 180; done
  start_alb
  for n in $(seq 1 "$INSTANCES"); do
    wait_for 20 ha_is "$ALB_SOCK" app "app$n" UP || cdie "region $REGION: the ALB did not see app$n UP within 20 s"
  done
}

region_up() { # a|b: creates and starts a region; A as primary, B as the standby of A
  local r=$1 follow=''
  region_use "$r"
  cp "$jar_src" "$CLUSTER_DIR/conduit.jar"
  write_secret db_password "$DB_PASSWORD"
  write_secret redis_password "$REDIS_PASSWORD"
  if [[ "$r" == a ]]; then
    init_postgres
    write_postgres_conf
    replication_conf
    start_postgres
    pg_sql "create role conduit login password '$DB_PASSWORD'" >/dev/null
    pg_sql "create database conduit owner conduit" >/dev/null
    pg_sql "create role replicator replication login password '$REPL_PASSWORD'" >/dev/null
    write_redis_conf 1 "region A's primary"
  else
    pg_replica_of "$A_PG_PORT"
    start_postgres
    follow=$A_REDIS_PORT
    write_redis_conf 1 "region B's replica of region A"
  fi
  start_redis 1 "$follow"
  write_instance_launcher "${REDIS_PORTS[1]}" "$java_opts"
  write_alb_cfg
}

# ---------------------------------------------------------------------------------------------
# The Route 53 stand-in: failover routing between the regions' ALBs on health checks.
write_route53_cfg() {
  cat >"$top/conf/haproxy-route53.cfg" <<EOF
# scripts/cluster/region-drill.sh: the Route 53 failover record stand-in. Route 53 answers DNS
# with the primary record's ALB while its health check passes, else the secondary's; here each
# new connection (load.py opens one per request) goes to region A's ALB while its check passes,
# else to region B's. Checks: Route 53's fast interval (10 s) and failure threshold (3), scaled
# down ten times: every 1 s, 3 to fail, 3 to pass.
global
    maxconn 4096
    stats socket $top/run/haproxy-route53.sock mode 600 level admin
    log stdout format raw local0 info

defaults
    mode http
    log global
    option dontlognull
    timeout connect 1s
    timeout client 60s
    timeout http-request 10s
    timeout http-keep-alive 60s
    timeout server 15s
    # Route 53 wants an answer within 2 s of connecting
    timeout check 2s
    # DNS does not retry a request on the other region: no retries, no redispatch
    retries 0

frontend route53
    bind 127.0.0.1:$r53_port
    http-request capture req.hdr(X-Request-Id) len 64
    # request-id accept-time backend server TR Tw Tc Tr Ta status termination-state retries method uri
    log-format "%[capture.req.hdr(0)] %Ts.%ms %b %s %TR %Tw %Tc %Tr %Ta %ST %tsc %rc %HM %HU"
    # the secondary only while the primary's check fails and its own passes (both failing: the
    # primary, as Route 53 does)
    use_backend region_b if { nbsrv(region_a) eq 0 } { nbsrv(region_b) gt 0 }
    default_backend region_a

backend region_a
    # the primary record's check: a region whose database is read-only (a replica) is not healthy
    option httpchk
    http-check send meth GET uri /health/region?writable=true ver HTTP/1.1 hdr Host conduit-route53
    http-check expect status 200
    default-server inter 1s fastinter 1s downinter 1s fall 3 rise 3
    server alb-a 127.0.0.1:$A_ALB_PORT check

backend region_b
    option httpchk
    http-check send meth GET uri /health/region ver HTTP/1.1 hdr Host conduit-route53
    http-check expect status 200
    default-server inter 1s fastinter 1s downinter 1s fall 3 rise 3
    server alb-b 127.0.0.1:$B_ALB_PORT check
EOF
  haproxy -c -q -f "$top/conf/haproxy-route53.cfg" || cdie "haproxy-route53.cfg does not parse"
}
r53_sock() { printf '%s/run/haproxy-route53.sock' "$top"; }

# ---------------------------------------------------------------------------------------------
# Measurements that go into the report: facts.jsonl, one {"name": ..., "value": ...} per line.
fev() { # label text...: the drill's timeline (logs/events.log of the top dir, whichever region is in use)
  local label=$1; shift
  printf '%s f %s %s\n' "$(now)" "$label" "$*" >>"$top/logs/events.log"
}
fev_at() { # epoch label text...
  local at=$1 label=$2; shift 2
  printf '%s f %s %s\n' "$at" "$label" "$*" >>"$top/logs/events.log"
}
fact() { # name json-value
  printf '{"name": "%s", "value": %s}\n' "$1" "$2" >>"$top/drill/facts.jsonl"
}
lsn_int() { # 16/B374D848 -> bytes
  local hi=${1%/*} lo=${1#*/}
  echo $(( (16#$hi << 32) + 16#$lo ))
}

# What A had that B never received, from A's own WAL on disk (A is dead; its files are not): every
# record after B's received position, until the end of A's WAL, and the commits among them.
unreplicated_wal() { # b-received-lsn
  local wal="$top/a/data/pgdata/pg_wal"
  "$PG_BIN/pg_waldump" -p "$wal" -s "$1" >"$top/drill/unreplicated-wal.txt" 2>&1 || true
  python3 - "$top/drill/unreplicated-wal.txt" "$1" <<'PY'
import json, re, sys
from datetime import datetime, timezone
text = open(sys.argv[1]).read()
def lsn(s):
    hi, lo = s.split("/")
    return (int(hi, 16) << 32) + int(lo, 16)
start = lsn(sys.argv[2])
# pg_waldump stops at the end of valid WAL: "invalid record length at 0/3A1F2B0: wanted 24, got 0"
# or, with nothing after the start, "could not find a valid record after 0/3A1F2B0"
# (stderr, unbuffered, may come before the records in the file)
errors = [l for l in text.splitlines() if "error" in l and ("invalid record" in l or "valid record after" in l)]
found = re.findall(r"(?:at|after) ([0-9A-F]+/[0-9A-F]+)", errors[-1]) if errors else []
end = lsn(found[-1]) if found else None
commits = []
for line in text.splitlines():
    c = re.search(r"desc: COMMIT (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) UTC", line)
    if c:
        t = datetime.strptime(c.group(1), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()
        commits.append(round(t, 4))
print(json.dumps({"end": end, "bytes": None if end is None else max(0, end - start), "commits": commits,
                  "records": sum(1 for l in text.splitlines() if l.startswith("rmgr:"))}))
PY
}

# ---------------------------------------------------------------------------------------------
# The failover and failback commands. scripts/region does both on AWS (written separately); these
# are their local stand-ins, step for step where the local pieces allow.

# `scripts/region failover`: the standby region serves. Its database is promoted (on AWS: the
# cross-region read replica; here pg_promote on B's hot standby) and its cache stands alone (the
# Global Datastore secondary; here REPLICAOF NO ONE). The app needs nothing: its instances see
# the database writable within a second and Redis a primary within three probes.
region_failover() { # region to promote
  region_use "$1"
  [[ "$(pg_sql 'select pg_promote()')" == t ]] || cdie "pg_promote() on region $1 failed"
  [[ "$(rcli "${REDIS_PORTS[1]}" REPLICAOF NO ONE)" == OK ]] || cdie "REPLICAOF NO ONE on region $1 failed"
}

# `scripts/region failback`: the home region serves again, with nothing lost. 1. its database
# becomes a replica of the serving one (a fresh copy) and its cache a replica too; 2. it catches
# up; 3. writes are frozen in the serving region (default_transaction_read_only: the app answers
# writes 503 + Retry-After, reads go on) and what was committed before the freeze is replayed at
# home; 4. home is promoted, the cache failed over to it (FAILOVER: planned, no loss), and the
# failover record follows (here: the stand-in's check passes once home is writable); 5. the
# serving region's database is re-created as a replica of home and the freeze lifted.
# Steps 1-2 are region_failback_prepare, 3-4 region_failback, 5 region_failback_standby.
region_failback_prepare() { # home serving
  local home=$1 serving=$2 serving_pg serving_redis
  region_use "$serving"; serving_pg=$PG_PORT; serving_redis=${REDIS_PORTS[1]}
  region_use "$home"
  pg_replica_of "$serving_pg"
  start_postgres
  rm -rf "$CLUSTER_DIR/data/redis-1"; mkdir -p "$CLUSTER_DIR/data/redis-1"
  start_redis 1 "$serving_redis"
  wait_for 30 redis_link_up "${REDIS_PORTS[1]}" || cdie "region $home's Redis did not sync with region $serving's"
}
region_failback() { # home serving
  local home=$1 serving=$2 frozen_at home_redis
  region_use "$home"; home_redis=${REDIS_PORTS[1]}
  region_use "$serving"
  fev freeze "writes frozen in region $serving (default_transaction_read_only)"
  pg_sql "alter system set default_transaction_read_only = on" >/dev/null
  pg_sql "select pg_reload_conf()" >/dev/null
  # transactions begun before the reload keep their mode: end them (their clients retry)
  pg_sql "select count(pg_terminate_backend(pid)) from pg_stat_activity where usename = 'conduit' and xact_start is not null and pid <> pg_backend_pid()" >/dev/null
  frozen_at=$(pg_lsn_of 'pg_current_wal_lsn()')
  region_use "$home"
  wait_for 60 pg_replayed "$frozen_at" || cdie "region $home did not replay region $serving's WAL up to $frozen_at within 60 s"
  fev caught-up "region $home replayed everything up to $frozen_at"
  [[ "$(pg_sql 'select pg_promote()')" == t ]] || cdie "pg_promote() on region $home failed"
  pg_sql "alter system reset primary_conninfo" >/dev/null
  pg_sql "select pg_reload_conf()" >/dev/null
  fev promoted-home "region $home's PostgreSQL promoted"
  region_use "$serving"
  [[ "$(rcli "${REDIS_PORTS[1]}" FAILOVER TO 127.0.0.1 "$home_redis" TIMEOUT 10000)" == OK ]] || cdie "Redis FAILOVER to region $home refused"
  region_use "$home"
  wait_for 15 redis_is_master "${REDIS_PORTS[1]}" || cdie "region $home's Redis is not primary 15 s after FAILOVER"
  fev redis-home "region $home's Redis primary (FAILOVER from region $serving)"
}
region_failback_standby() { # home serving: 5. the serving region's database re-created as a replica
  # of home (its freeze goes with it)
  local home=$1 serving=$2 home_pg
  region_use "$home"; home_pg=$PG_PORT
  region_use "$serving"
  stop_named postgres INT 30
  pg_replica_of "$home_pg"
  start_postgres
  region_use "$home"
  wait_for 30 pg_streaming_to "region-$serving" || cdie "region $serving's PostgreSQL does not stream from region $home"
  fev standby-again "region $serving's PostgreSQL streams from region $home, its Redis follows it"
}

# ---------------------------------------------------------------------------------------------
# The load: load.py through the Route 53 stand-in, as drills.sh runs it.
load_pid=''
sampler_pid=''
load_start() { # name
  local dir="$top/drill/$1"
  mkdir -p "$dir"
  python3 "$cluster_here/load.py" --url "http://127.0.0.1:$r53_port" --duration 300 --workers "$workers" \
    --rate "$rate" --users "$users" --readers "$readers" --prefix "$1x$(date +%s)" --out "$dir" --ledger "$dir/ledger.json" \
    --ready-file "$dir/ready" --stop-file "$dir/stop" >"$dir/load.log" 2>&1 &
  load_pid=$!
  pid_set load "$load_pid"
  wait_for 120 test -f "$dir/ready" || { cat "$dir/load.log" >&2; cdie "the load driver did not get ready in 120 s"; }
  burn_start
}
load_finish() { # name: stop the load; the driver reads every write back through the stand-in
  load_stop_and_verify "$top/drill/$1"
}

# ---------------------------------------------------------------------------------------------
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  region_use top
  burn_stop
  if [[ -n "$load_pid" ]]; then stop_pid "$load_pid" TERM 20 load.py; pid_del load; fi
  if [[ -n "$sampler_pid" ]]; then stop_pid "$sampler_pid" TERM 5 lag.py; pid_del lag; fi
  for d in "$top/a" "$top/b" "$top"; do
    [[ -s "$d/cluster.pids" ]] && CLUSTER_DIR=$d "$cluster_here/stop.sh" >&2
  done
  clog "region drill finished in $(( $(date +%s) - t_begin )) s (work dir $top)"
  exit "$rc"
}

# The work dir: refuse to touch a running drill, never wipe a directory that is not ours.
for d in "$top/a" "$top/b" "$top"; do
  [[ -f "$d/cluster.pids" ]] || continue
  while read -r name _; do
    CLUSTER_DIR=$d pid_alive "$name" && cdie "a region drill runs in $top ($d: $name); stop it first"
  done <"$d/cluster.pids"
done
if [[ -d "$top" ]]; then
  if [[ -f "$top/region.env" || -z "$(ls -A "$top")" ]]; then
    rm -rf "$top"
  else
    cdie "$top exists and is not a region drill work dir; choose another REGION_DIR"
  fi
fi
mkdir -p "$top"/{conf,logs,run,drill}
echo "# scripts/cluster/region-drill.sh work dir" >"$top/region.env"
: >"$top/cluster.pids"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cluster_ensure_packages
# shellcheck source=scripts/lib/jdk.sh
source "$cluster_root/scripts/lib/jdk.sh"
conduit_select_jdk
jar_src=${CLUSTER_JAR:-$cluster_root/app/target/conduit.jar}
[[ -f "$jar_src" ]] || cdie "no JAR at $jar_src (the build makes it: ./mvnw package)"

# One set of secrets for both regions (a Global Datastore has one AUTH token; a cross-region
# replica has the primary's roles); each process knows only what it needs.
secret() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
DB_PASSWORD=$(secret); REDIS_PASSWORD=$(secret); REDIS_ADMIN_PASSWORD=$(secret); REPL_PASSWORD=$(secret)
REDIS_CHECK_PASSWORD=$(secret); REDIS_REPL_PASSWORD=$(secret)
PG_BIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_OS_USER=$(id -un)
if [[ $EUID -eq 0 ]]; then
  PG_OS_USER=postgres
  if ! id "$PG_OS_USER" >/dev/null 2>&1; then
    PG_OS_USER=conduit-cluster
    id "$PG_OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
  fi
fi
region_write_env a $((base + 10))
region_write_env b $((base + 40))
region_use a; A_ALB_PORT=$ALB_PORT; A_PG_PORT=$PG_PORT; A_REDIS_PORT=${REDIS_PORTS[1]}
region_use b; B_ALB_PORT=$ALB_PORT; B_REDIS_PORT=${REDIS_PORTS[1]}
for r in a b; do
  region_use "$r"
  for p in "$ALB_PORT" "${APP_PORTS[@]:1}" "${ADMIN_PORTS[@]:1}" "${REDIS_PORTS[1]}" "$PG_PORT"; do
    port_free "$p" || cdie "port $p is in use (choose another REGION_BASE_PORT)"
  done
done
port_free "$r53_port" || cdie "port $r53_port is in use (choose another REGION_BASE_PORT)"

# ---------------------------------------------------------------------------------------------
clog "region A: PostgreSQL and Redis primaries, $instances instances (they migrate the schema)"
region_up a
instances_start
clog "region B: PostgreSQL hot standby and Redis replica of region A, $instances instances"
region_up b
wait_for 30 redis_link_up "${REDIS_PORTS[1]}" || cdie "region B's Redis did not sync with region A's"
region_use a
a_lsn=$(pg_lsn_of 'pg_current_wal_lsn()')
region_use b
wait_for 60 pg_replayed "$a_lsn" || cdie "region B did not replay region A's migrations within 60 s"
pg_in_recovery t || cdie "region B's PostgreSQL is not a standby"
instances_start
region_use top
write_route53_cfg
setsid haproxy -db -f "$top/conf/haproxy-route53.cfg" </dev/null >>"$top/logs/haproxy-route53.log" 2>&1 &
pid_set haproxy-route53 $!
wait_for 15 ha_is "$(r53_sock)" region_a alb-a UP || cdie "the Route 53 stand-in does not see region A healthy"
wait_for 15 ha_is "$(r53_sock)" region_b alb-b UP || cdie "the Route 53 stand-in does not see region B healthy"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$r53_port/api/tags" || true)
[[ "$code" == 200 ]] || cdie "GET /api/tags through the Route 53 stand-in gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$B_ALB_PORT/health/region?writable=true" || true)
[[ "$code" == 503 ]] || cdie "region B (a replica) answered /health/region?writable=true with $code, not 503"
clog "both regions up in $(( $(date +%s) - t_begin )) s; Route 53 stand-in on 127.0.0.1:$r53_port"

# The lag sampler, from before the load to after the loss
region_use a; pg_a="$CLUSTER_DIR/run/pg:$PG_PORT"
region_use b; pg_b="$CLUSTER_DIR/run/pg:$PG_PORT"
region_use top
REDISCLI_AUTH=$REDIS_ADMIN_PASSWORD PG_BIN=$PG_BIN python3 "$cluster_here/lag.py" --pg-a "$pg_a" --pg-b "$pg_b" \
  --redis-a "$A_REDIS_PORT" --redis-b "$B_REDIS_PORT" --interval 0.2 --out "$top/drill/lag.jsonl" </dev/null >"$top/logs/lag.log" 2>&1 &
sampler_pid=$!
pid_set lag "$sampler_pid"

# ---------------------------------------------------------------------------------------------
# Region A lost under load
printf '%s f start\n' "$(now)" >>"$top/logs/events.log"
load_start failover
sleep "$warmup"
victims=()
region_use a
mapfile -t a_names < <(awk '{print $1}' "$CLUSTER_DIR/cluster.pids")
for name in "${a_names[@]}"; do
  pid_alive "$name" || cdie "region A's $name is not running before the loss"
  pid=$(pid_of "$name")
  # the process and its children (PostgreSQL's backends and helpers are not in its process group)
  victims+=("$pid")
  mapfile -t -O "${#victims[@]}" victims < <(ps -o pid= --ppid "$pid" | tr -d ' ')
done
# (disowned, the shell does not report each of its own children it reaps as "Killed")
for name in "${a_names[@]}"; do disown "$(pid_of "$name")" 2>/dev/null || true; done
t_loss=$(now)
kill -KILL "${victims[@]}"
region_use top
fev_at "$t_loss" fault "region A lost: SIGKILL to its ${#victims[@]} processes (instances, PostgreSQL and its backends, Redis, ALB) at once"
region_use a
for name in "${a_names[@]}"; do wait_gone "$(pid_of "$name")" 5; pid_del "$name"; done
region_use top
at=$(ha_wait_status "$(r53_sock)" region_a alb-a DOWN 30) || cdie "the Route 53 stand-in did not mark region A down within 30 s"
fev_at "$at" down "the Route 53 stand-in marked region A down: traffic to region B"
sleep "$decide"

# What B has of A's data at the loss, read before the promotion
region_use b
b_recv=$(pg_lsn_of 'pg_last_wal_receive_lsn()')
b_replay=$(pg_lsn_of 'pg_last_wal_replay_lsn()')
b_redis=$(rcli "${REDIS_PORTS[1]}" info replication | tr -d '\r' | awk -F: '$1 == "slave_repl_offset" { print $2 }')
region_use top
fact t_loss "$t_loss"
fact b_received "$(lsn_int "$b_recv")"
fact b_replayed "$(lsn_int "$b_replay")"
fact b_redis_offset "${b_redis:-null}"
fact unreplicated "$(unreplicated_wal "$b_recv")"

fev failover "region_failover b (scripts/region failover): pg_promote() and REPLICAOF NO ONE on region B"
region_failover b
region_use b
wait_for 10 pg_in_recovery f || cdie "region B's PostgreSQL still in recovery 10 s after pg_promote()"
region_use top
fev promoted "region B's PostgreSQL and Redis are primaries"
stop_pid "$sampler_pid" TERM 5 lag.py; pid_del lag; sampler_pid=''
sleep "$tail_s"
load_finish failover

# ---------------------------------------------------------------------------------------------
# Failback under a second load
clog "failback: region A rebuilt as a replica of region B"
fev rebuild "region A rebuilt: pg_basebackup from region B, Redis replicaof region B"
region_failback_prepare a b
region_use a
instances_start
region_use b
b_lsn=$(pg_lsn_of 'pg_current_wal_lsn()')
region_use a
wait_for 60 pg_replayed "$b_lsn" || cdie "region A did not catch up with region B within 60 s"
region_use top
fev rebuilt "region A runs as a standby of region B, its instances ready"
load_start failback
sleep 3
region_failback a b
region_use top
at=$(ha_wait_status "$(r53_sock)" region_a alb-a UP 30) || cdie "the Route 53 stand-in did not take region A back within 30 s"
fev_at "$at" routed-home "the Route 53 stand-in routes to region A again"
region_failback_standby a b
sleep "$tail_s"
load_finish failback

# Everything acknowledged by the first load, read back from region A's own ALB
region_use a
mkdir -p "$top/drill/on-a"
python3 "$cluster_here/load.py" --url "http://127.0.0.1:$ALB_PORT" --verify-ledger "$top/drill/failover/ledger.json" \
  --out "$top/drill/on-a" >"$top/drill/on-a/load.log" 2>&1 || true
tail -n 1 "$top/drill/on-a/load.log" >&2

# Who leads now
region_use a
fact a_in_recovery "\"$(pg_sql 'select pg_is_in_recovery()')\""
fact a_redis_role "\"$(redis_role "${REDIS_PORTS[1]}")\""
fact a_streams_to_b "$(pg_streaming_to region-b && echo true || echo false)"
a_redis=${REDIS_PORTS[1]}
region_use b
fact b_in_recovery "\"$(pg_sql 'select pg_is_in_recovery()')\""
fact b_redis_role "\"$(redis_role "${REDIS_PORTS[1]}")\""
fact b_redis_follows_a "$([[ "$(redis_master_port "${REDIS_PORTS[1]}")" == "$a_redis" ]] && echo true || echo false)"
region_use top
fact route53_a "\"$(ha_status "$(r53_sock)" region_a alb-a)\""

set +e
python3 "$cluster_here/report.py" --drill f --title "region A lost, failover to region B, failback to region A" \
  --load "$top/drill/failover" --failback-load "$top/drill/failback" --on-a "$top/drill/on-a" \
  --facts "$top/drill/facts.jsonl" --lag "$top/drill/lag.jsonl" --haproxy-log "$top/logs/haproxy-route53.log" \
  --cluster-dir "$top" --conditions "$conditions" | tee "$top/drill/report.txt"
result=${PIPESTATUS[0]}
set -e
exit "$result"
