#!/usr/bin/env bash
# Sourced by start.sh, stop.sh and drills.sh (docs/cluster.md): the cluster's layout, its process
# bookkeeping and the helpers that start, stop and wait for each part. Nothing here runs on source.
#
# Layout of the work dir ($CLUSTER_DIR, default /tmp/conduit-cluster):
#   cluster.env     ports, passwords and paths of the running cluster (written by start.sh)
#   cluster.pids    one "name pid" line per process the scripts started (kept current by drills.sh)
#   conduit.jar     the copy of app/target/conduit.jar that every instance runs
#   bin/instance    starts instance N with exactly the settings start.sh chose (used for restarts)
#   conf/           haproxy-alb.cfg, haproxy-redis.cfg, redis-1.conf, redis-2.conf
#   data/           pgdata, redis-1, redis-2
#   logs/           app-N.log (JSON, appended across restarts), haproxy-alb.log (one line per
#                   request), postgres.log, redis-N.log, haproxy-redis.log, events.log
#   run/            sockets: the two HAProxy runtime APIs, PostgreSQL's unix socket

# shellcheck disable=SC2034  # the variables set here are used by the scripts that source this file
cluster_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cluster_root="$(cd "$cluster_here/../.." && pwd)"
CLUSTER_DIR=${CLUSTER_DIR:-/tmp/conduit-cluster}

clog() { printf '[cluster %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
cdie() { clog "error: $*"; exit 1; }
now() { date +%s.%N | cut -c1-14; } # epoch seconds with 3 decimals

# ---------------------------------------------------------------------------------------------
# Packages: CI machines are fresh; as root we install what is missing (Debian bookworm names).
cluster_ensure_packages() {
  local missing=()
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  command -v python3 >/dev/null || missing+=(python3)
  command -v curl >/dev/null || missing+=(curl)
  command -v setpriv >/dev/null || missing+=(util-linux)
  command -v setsid >/dev/null || missing+=(util-linux)
  (( ${#missing[@]} == 0 )) && return 0
  [[ $EUID -eq 0 ]] || cdie "missing: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
  clog "installing ${missing[*]} with apt-get"
  timeout 600 apt-get update -qq >&2 || cdie "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || cdie "apt-get install ${missing[*]} failed"
}

# ---------------------------------------------------------------------------------------------
# Settings of a cluster: defaults for start.sh, then whatever start.sh wrote to cluster.env.
cluster_defaults() {
  local base=${CLUSTER_BASE_PORT:-18080}
  ALB_PORT=$base                       # the ALB stand-in: what clients and the load driver use
  APP_PORTS=("" $((base + 1)) $((base + 2)) $((base + 3)))          # index 1..3
  ADMIN_PORTS=("" $((base + 11)) $((base + 12)) $((base + 13)))     # metrics, never behind the ALB
  REDIS_ENDPOINT_PORT=$((base + 20))   # the ElastiCache primary endpoint stand-in
  REDIS_PORTS=("" $((base + 21)) $((base + 22)))
  PG_PORT=$((base + 30))
  INSTANCES=3
}

cluster_load_env() {
  [[ -f "$CLUSTER_DIR/cluster.env" ]] || cdie "no cluster in $CLUSTER_DIR (start one: scripts/cluster/start.sh)"
  # shellcheck disable=SC1091
  source "$CLUSTER_DIR/cluster.env"
}

# ---------------------------------------------------------------------------------------------
# Process bookkeeping. cluster.pids holds "name pid" lines; a name appears once (a restart
# replaces its line). A pid is only ever signalled after checking that /proc/<pid>/cmdline still
# names the program it was recorded for, so a recycled pid is never hit.
PIDS_FILE() { printf '%s/cluster.pids' "$CLUSTER_DIR"; }

pid_set() { # name pid
  local f; f=$(PIDS_FILE)
  touch "$f"
  { grep -v "^$1 " "$f" || true; printf '%s %s\n' "$1" "$2"; } >"$f.tmp" && mv "$f.tmp" "$f"
}
pid_del() { # name
  local f; f=$(PIDS_FILE)
  [[ -f "$f" ]] || return 0
  { grep -v "^$1 " "$f" || true; } >"$f.tmp" && mv "$f.tmp" "$f"
}
pid_of() { # name -> pid (empty if unknown)
  local f; f=$(PIDS_FILE)
  [[ -f "$f" ]] && awk -v n="$1" '$1 == n { print $2 }' "$f" | tail -n 1
}
pid_expected_cmd() { # name -> an extended regex its command line must match
  case "$1" in
    # bin/instance until it execs java: a busy CPU can hold the script there long enough for a
    # start-up check to see it, and taking it for a dead instance failed a drill
    app-*) echo 'conduit\.jar|/bin/instance [0-9]' ;;
    redis-*) echo redis-server ;;
    postgres) echo postgres ;;
    haproxy-*) echo haproxy ;;
    load) echo load.py ;;
    cpu-burn-*) echo conduit-cpu-burn ;;
    *) echo "" ;;
  esac
}
pid_alive() { # name -> 0 when the recorded pid runs the expected program
  local pid want
  pid=$(pid_of "$1"); want=$(pid_expected_cmd "$1")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ -z "$want" ]] && return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -E -- "$want" >/dev/null
}

stop_pid() { # pid signal seconds [expected-cmd]: signal, wait up to seconds, then SIGKILL
  local pid=$1 sig=$2 secs=$3 want=${4:-} waited=0
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  if [[ -n "$want" ]]; then
    local cmd; cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    if [[ -z "$cmd" ]]; then wait_gone "$pid" "$secs"; return 0; fi   # already exiting
    if ! grep -qE -- "$want" <<<"$cmd"; then
      clog "pid $pid no longer runs $want (it runs: ${cmd:0:60}); leaving it alone"
      return 0
    fi
  fi
  kill "-$sig" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( waited < secs * 10 )); do
    # a child of this shell would stay a zombie (kill -0 succeeds) until reaped
    [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && break
    sleep 0.1; waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]; then
    clog "process $pid did not stop within ${secs}s after SIG$sig; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  wait "$pid" 2>/dev/null || true
}

wait_gone() { # pid seconds: waits until the process has exited (reaping it if it is our child)
  local pid=$1 waited=0
  while kill -0 "$pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] \
      && (( waited < $2 * 10 )); do
    sleep 0.1; waited=$((waited + 1))
  done
  wait "$pid" 2>/dev/null || true
}

# Sends SIGKILL to pid at a moment when HAProxy has at least $5 (default 1) requests on
# backend/server, at least $6 (default 0) of them writes (POST, PUT, DELETE) that have been on it
# for $7 ms (default 0) or more without an answer, polling "show sess all" for up to $4 seconds
# (kills anyway after that): a kill drill then really has requests, and writes past their first
# statements, in flight. Prints how many requests and such writes were on the server and the
# moment just before the kill.
kill_when_busy() { # socket backend/server pid seconds [min-requests [min-writes [write-age-ms]]]
  python3 - "$@" <<'PY'
import calendar, os, re, signal, socket, sys, time
from datetime import datetime
sock, target, pid, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
want = int(sys.argv[5]) if len(sys.argv) > 5 else 1
want_writes = int(sys.argv[6]) if len(sys.argv) > 6 else 0
write_age = (float(sys.argv[7]) if len(sys.argv) > 7 else 0.0) / 1000
backend, server = target.split("/")
WRITES = {"3", "4", "5"}  # HAProxy's method numbers: POST, PUT, DELETE


def accepted(block):  # "0x55...: [06/Dec/2026:01:47:36.038724] id=35 ..." (HAProxy's local time)
    m = re.match(r"0x[0-9a-f]+: \[([^\]]+)\]", block)
    if not m:
        return None
    t = datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S.%f")
    return time.mktime(t.timetuple()) + t.microsecond / 1e6


deadline = time.monotonic() + secs
streams = writes = 0
while time.monotonic() < deadline:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(2)
    s.connect(sock)
    s.sendall(b"show sess all\n")
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    now = time.time()
    streams = writes = 0
    for block in re.split(r"\n(?=0x[0-9a-f]+: \[)", out.decode(errors="replace")):
        if "backend=%s " % backend not in block or not re.search(r"\bserver=%s " % re.escape(server), block):
            continue
        streams += 1
        m = re.search(r"\bmeth=(\d+)\b.*\brsp\.st=(\w+)", block)
        since = accepted(block)
        if (m and m.group(1) in WRITES and m.group(2) == "MSG_RPBEFORE" and since is not None
                and now - since >= write_age):
            writes += 1
    if streams >= want and writes >= want_writes:
        break
    time.sleep(0.003)
killed_at = time.time()  # taken before the kill: requests failing from here on were in flight
os.kill(pid, signal.SIGKILL)
print(streams, writes, "%.3f" % killed_at)
PY
}

stop_named() { # name signal seconds
  local pid; pid=$(pid_of "$1")
  [[ -n "$pid" ]] || return 0
  stop_pid "$pid" "$2" "$3" "$(pid_expected_cmd "$1")"
  pid_del "$1"
}

# Waits until "$@" succeeds, at most $1 seconds (polling every 0.2 s). Returns 1 on timeout.
wait_for() { # seconds command...
  local secs=$1; shift
  local deadline; deadline=$(( $(date +%s%N) + secs * 1000000000 ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s%N) < deadline )) || return 1
    sleep 0.2
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# HAProxy runtime API (the stats socket): "set server app/app1 state drain" and friends.
hactl() { # socket command
  python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
out = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode())
PY
}
# "UP", "DOWN", "DRAIN", "MAINT", "UP 1/2", ... for backend/server, from "show stat".
ha_status() { # socket backend server
  hactl "$1" "show stat" | awk -F, -v b="$2" -v s="$3" '$1 == b && $2 == s { print $18 }'
}
ha_scur() { # socket backend server -> current sessions on the server
  hactl "$1" "show stat" | awk -F, -v b="$2" -v s="$3" '$1 == b && $2 == s { print $5 }'
}
ha_is() { [[ "$(ha_status "$1" "$2" "$3")" == "$4" ]]; }
# Polls "show stat" every 20 ms until backend/server has the status (UP, DOWN, ...), at most
# $5 seconds; prints the epoch (3 decimals) it was first seen, for a timeline a criterion measures
# from. Returns 1 on timeout.
ha_wait_status() { # socket backend server status seconds
  python3 - "$@" <<'PY'
import socket, sys, time
sock, backend, server, want, secs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
deadline = time.monotonic() + secs
while time.monotonic() < deadline:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(2)
    s.connect(sock)
    s.sendall(b"show stat\n")
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    seen = time.time()
    for line in out.decode(errors="replace").splitlines():
        f = line.split(",")
        if len(f) > 17 and f[0] == backend and f[1] == server and f[17] == want:
            print("%.3f" % seen)
            sys.exit(0)
    time.sleep(0.02)
sys.exit(1)
PY
}

# ---------------------------------------------------------------------------------------------
# Redis helpers (AUTH as ElastiCache with AUTH would require).
rcli() { # port args...: as the operator's own Redis user, untouched by a rotation of the app's token
  local port=$1; shift
  REDISCLI_AUTH="$REDIS_ADMIN_PASSWORD" timeout 5 redis-cli --no-auth-warning --user admin -h 127.0.0.1 -p "$port" "$@"
}
redis_role() { rcli "$1" info replication 2>/dev/null | tr -d '\r' | awk -F: '$1 == "role" { print $2 }'; }
redis_is_master() { [[ "$(redis_role "$1")" == master ]]; }
redis_link_up() { rcli "$1" info replication 2>/dev/null | tr -d '\r' | grep '^master_link_status:up' >/dev/null; }

start_redis() { # node(1|2) [port-of-primary-to-follow]
  local n=$1 follow=${2:-} args=()
  [[ -n "$follow" ]] && args=(--replicaof 127.0.0.1 "$follow")
  setsid redis-server "$CLUSTER_DIR/conf/redis-$n.conf" "${args[@]}" </dev/null \
    >>"$CLUSTER_DIR/logs/redis-$n.stdout" 2>&1 &
  pid_set "redis-$n" $!
  wait_for 20 rcli "${REDIS_PORTS[$n]}" ping || cdie "redis-$n did not answer PING within 20 s (logs/redis-$n.log)"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL (Debian's binaries, as the unprivileged user recorded in cluster.env)
start_postgres() {
  local as=()
  [[ $EUID -eq 0 ]] && as=(setpriv "--reuid=$PG_OS_USER" "--regid=$(id -g "$PG_OS_USER")" --init-groups)
  (cd "$CLUSTER_DIR" && exec setsid "${as[@]}" "$PG_BIN/postgres" -D "$CLUSTER_DIR/data/pgdata" \
    </dev/null >>"$CLUSTER_DIR/logs/postgres.log" 2>&1) &
  pid_set postgres $!
  wait_for 60 pg_ready || cdie "PostgreSQL not ready within 60 s (logs/postgres.log)"
}
pg_sql() { # sql: one statement as the superuser over the unix socket; prints the result unaligned
  "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$CLUSTER_DIR/run/pg" -p "$PG_PORT" -U postgres -d postgres -c "$1"
}
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1; }

# ---------------------------------------------------------------------------------------------
# Instances
start_instance() { # n: starts bin/instance n in the background and records its pid
  local n=$1
  setsid "$CLUSTER_DIR/bin/instance" "$n" </dev/null >>"$CLUSTER_DIR/logs/app-$n.log" 2>&1 &
  pid_set "app-$n" $!
}
instance_ready() { # n -> 0 when GET /health/ready on the instance itself is 200
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${APP_PORTS[$1]}/health/ready")" == 200 ]]
}
wait_instance_ready() { # n seconds
  local n=$1 secs=$2 deadline; deadline=$(( $(date +%s) + secs ))
  until instance_ready "$n"; do
    pid_alive "app-$n" || { tail -n 20 "$CLUSTER_DIR/logs/app-$n.log" >&2; cdie "app-$n exited during start-up"; }
    (( $(date +%s) < deadline )) || cdie "app-$n not ready within ${secs}s (logs/app-$n.log)"
    sleep 0.25
  done
}

write_secret() { # name value: replaces run/secrets/<name> at once, as the boot step replaces
  # /etc/conduit/secrets/<name> on an instance (a new file renamed over the old one)
  local f="$CLUSTER_DIR/run/secrets/$1"
  (umask 077 && printf '%s\n' "$2" >"$f.tmp") && mv -f "$f.tmp" "$f"
}

event() { # label...: appends "<epoch> <label>" to logs/events.log (the drills' timeline)
  printf '%s %s\n' "$(now)" "$*" >>"$CLUSTER_DIR/logs/events.log"
}

event_at() { # epoch label...: the same, for a moment measured by the caller
  local at=$1; shift
  printf '%s %s\n' "$at" "$*" >>"$CLUSTER_DIR/logs/events.log"
}
