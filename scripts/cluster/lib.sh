#!/usr/bin/env bash
# Sourced by start.sh, stop.sh, drills.sh and region-drill.sh (docs/cluster.md): the cluster's
# layout, its process bookkeeping, the helpers that start, stop and wait for each part, the
# configuration writers they share, and the CPU-busy mode. Nothing here runs on source.
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
    lag) echo lag.py ;;
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

write_redis_conf() { # n role: conf/redis-<n>.conf for REDIS_PORTS[n] (role: words for its comment)
  mkdir -p "$CLUSTER_DIR/data/redis-$1"
  cat >"$CLUSTER_DIR/conf/redis-$1.conf" <<EOF
# scripts/cluster: node $1 (started as $2)
bind 127.0.0.1
port ${REDIS_PORTS[$1]}
protected-mode yes
daemonize no
dir $CLUSTER_DIR/data/redis-$1
logfile $CLUSTER_DIR/logs/redis-$1.log
# The app's AUTH token (the default user), as ElastiCache's; drill e rotates it
requirepass $REDIS_PASSWORD
# Users of their own, so that rotating the app's token touches nobody else: the operator (rcli),
# the endpoint's health check and the replication link
user admin on >$REDIS_ADMIN_PASSWORD ~* &* +@all
user healthcheck on >$REDIS_CHECK_PASSWORD -@all +ping +info
user replicator on >$REDIS_REPL_PASSWORD -@all +psync +replconf +ping
masteruser replicator
masterauth $REDIS_REPL_PASSWORD
# Acknowledged writes (sessions, idempotency records) survive a restart of a node
appendonly yes
appendfsync everysec
save ""
replica-read-only yes
repl-diskless-sync yes
repl-diskless-sync-delay 0
EOF
  chmod 600 "$CLUSTER_DIR/conf/redis-$1.conf"
}

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
init_postgres() { # initdb into data/pgdata as PG_OS_USER, superuser postgres with password $DB_PASSWORD
  local pgdata="$CLUSTER_DIR/data/pgdata" as=()
  mkdir -p "$pgdata" "$CLUSTER_DIR/run/pg"
  printf '%s\n' "$DB_PASSWORD" >"$CLUSTER_DIR/run/pgpass"
  if [[ $EUID -eq 0 ]]; then
    chown "$PG_OS_USER:" "$pgdata" "$CLUSTER_DIR/run/pg" "$CLUSTER_DIR/run/pgpass"
    as=(setpriv "--reuid=$PG_OS_USER" "--regid=$(id -g "$PG_OS_USER")" --init-groups)
  fi
  chmod 700 "$pgdata"
  (cd "$CLUSTER_DIR" && timeout 120 "${as[@]}" env LC_ALL=C.UTF-8 "$PG_BIN/initdb" -D "$pgdata" -U postgres \
    -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 --pwfile="$CLUSTER_DIR/run/pgpass" \
    --no-sync >"$CLUSTER_DIR/logs/initdb.log" 2>&1) || { cat "$CLUSTER_DIR/logs/initdb.log" >&2; cdie "initdb failed"; }
  rm -f "$CLUSTER_DIR/run/pgpass"
}
write_postgres_conf() { # appends this node's settings to data/pgdata/postgresql.conf (later lines win,
  # so a copy made by pg_basebackup, which carries its source's file, gets its own port and socket)
  cat >>"$CLUSTER_DIR/data/pgdata/postgresql.conf" <<EOF

# --- scripts/cluster: three instances with 10 connections each, on a small machine
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$CLUSTER_DIR/run/pg'
max_connections = 100
shared_buffers = 256MB
fsync = on
synchronous_commit = on
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
EOF
}


# ---------------------------------------------------------------------------------------------
# Instances
# Writes conf/instance.env (the settings of every instance, CONDUIT_* of the caller last) and
# bin/instance N, which runs instance N in the foreground with them: a restart uses exactly the
# settings of the start. Needs INSTANCES, APP_PORTS, ADMIN_PORTS, PG_PORT and JAVA_HOME.
write_instance_launcher() { # redis-port java-opts
  local redis_port=$1 java_opts=$2 unlimited=1000000000/1m k
  {
    echo "# scripts/cluster: the settings of every instance; CONDUIT_* of the caller last"
    declare -A settings=(
      [CONDUIT_DB_URL]="jdbc:postgresql://127.0.0.1:$PG_PORT/conduit"
      [CONDUIT_DB_USER]=conduit
      # The secrets as files, re-read every second, as on an instance (/etc/conduit/secrets)
      [CONDUIT_DB_PASSWORD_FILE]="$CLUSTER_DIR/run/secrets/db_password"
      [CONDUIT_DB_POOL_SIZE]=10
      [CONDUIT_REDIS_URL]="redis://127.0.0.1:$redis_port"
      [CONDUIT_REDIS_PASSWORD_FILE]="$CLUSTER_DIR/run/secrets/redis_password"
      [CONDUIT_TRUSTED_PROXY_HOPS]=1
      [CONDUIT_SHUTDOWN_DRAIN]=3s
      [CONDUIT_SHUTDOWN_TIMEOUT]=10s
      [CONDUIT_LOG_FORMAT]=json
      # Relaxed, not off: the limiter's Redis script still runs on every request, but the load
      # driver (every client is 127.0.0.1 behind the proxy) is never throttled.
      [CONDUIT_RATE_LIMIT_ANONYMOUS]=$unlimited
      [CONDUIT_RATE_LIMIT_USER]=$unlimited
      [CONDUIT_RATE_LIMIT_LOGIN_PER_ADDRESS]=$unlimited
      [CONDUIT_RATE_LIMIT_LOGIN_PER_ACCOUNT]=$unlimited
      [CONDUIT_RATE_LIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS]=$unlimited
      [CONDUIT_RATE_LIMIT_REGISTRATION_PER_ADDRESS]=$unlimited
    )
    for k in $(printf '%s\n' "${!settings[@]}" | sort); do printf 'export %s=%q\n' "$k" "${settings[$k]}"; done
    for k in $(compgen -e | grep '^CONDUIT_' | sort); do
      case "$k" in CONDUIT_HTTP_PORT|CONDUIT_ADMIN_PORT) continue ;; esac
      printf 'export %s=%q  # from the caller\n' "$k" "${!k}"
    done
  } >"$CLUSTER_DIR/conf/instance.env"
  chmod 600 "$CLUSTER_DIR/conf/instance.env"
  cat >"$CLUSTER_DIR/bin/instance" <<EOF
#!/usr/bin/env bash
# scripts/cluster: runs instance N (1..$INSTANCES) in the foreground, production mode.
set -euo pipefail
n=\${1:?instance number}
http_ports=(${APP_PORTS[*]@Q})
admin_ports=(${ADMIN_PORTS[*]@Q})
source $(printf '%q' "$CLUSTER_DIR/conf/instance.env")
export CONDUIT_HTTP_PORT=\${http_ports[\$n]} CONDUIT_ADMIN_PORT=\${admin_ports[\$n]}
exec $(printf '%q' "$JAVA_HOME/bin/java") $java_opts -Dconduit.instance=app-\$n -jar $(printf '%q' "$CLUSTER_DIR/conduit.jar")
EOF
  chmod 700 "$CLUSTER_DIR/bin/instance"
}

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

# ---------------------------------------------------------------------------------------------
# The ALB stand-in: conf/haproxy-alb.cfg for INSTANCES instances on APP_PORTS, on ALB_PORT.
write_alb_cfg() {
  local servers='' n
  for n in $(seq 1 "$INSTANCES"); do servers+="    server app$n 127.0.0.1:${APP_PORTS[$n]} check"$'\n'; done
  cat >"$CLUSTER_DIR/conf/haproxy-alb.cfg" <<EOF
# scripts/cluster: the ALB + target group stand-in (see docs/cluster.md).
global
    maxconn 4096
    # The runtime API: "set server app/app2 state drain|maint|ready" ~ target (de)registration
    stats socket $CLUSTER_DIR/run/haproxy-alb.sock mode 600 level admin
    log stdout format raw local0 info

defaults
    mode http
    log global
    option dontlognull
    timeout connect 1s
    timeout client 60s
    timeout http-request 10s
    # The ALB's idle timeout is 60 s; the app keeps idle connections 75 s (never the first to close)
    timeout http-keep-alive 60s
    timeout server 15s
    timeout queue 5s
    # The target group's health check timeout (terraform/modules/alb: 2 s). Readiness probes
    # PostgreSQL and Redis before answering, so it is slow (~1 s) while one of them is down.
    timeout check 2s

frontend alb
    bind 127.0.0.1:$ALB_PORT
    # Append the client's address to X-Forwarded-For as the ALB does (one trusted hop); a
    # client-written X-Forwarded-For stays to the left, where the app never trusts it.
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Port %[dst_port]
    # Only safe methods are replayed after the request reached a server (empty response, response
    # timeout). POST, PUT and DELETE are retried by HAProxy only when the connection failed, i.e.
    # the request was never sent; beyond that the client retries them with its Idempotency-Key.
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    http-request capture req.hdr(X-Request-Id) len 64
    # request-id accept-time backend server TR Tw Tc Tr Ta status termination-state retries method uri
    log-format "%[capture.req.hdr(0)] %Ts.%ms %b %s %TR %Tw %Tc %Tr %Ta %ST %tsc %rc %HM %HU"
    default_backend app

backend app
    balance roundrobin
    # ~ target group health check on the readiness endpoint, every second, 2 to fail, 2 to pass
    option httpchk
    http-check send meth GET uri /health/ready ver HTTP/1.1 hdr Host conduit-cluster
    http-check expect status 200
    default-server inter 1s fastinter 1s downinter 1s fall 2 rise 2
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
$servers
EOF
  haproxy -c -q -f "$CLUSTER_DIR/conf/haproxy-alb.cfg" || cdie "haproxy-alb.cfg does not parse"
}
start_alb() { # starts the ALB stand-in from conf/haproxy-alb.cfg and records its pid
  setsid haproxy -db -f "$CLUSTER_DIR/conf/haproxy-alb.cfg" </dev/null >>"$CLUSTER_DIR/logs/haproxy-alb.log" 2>&1 &
  pid_set haproxy-alb $!
}

# ---------------------------------------------------------------------------------------------
# The CPU-busy mode (docs/cluster.md): busy loops at a low priority share the cores with the
# cluster for the whole drill (from the warm-up to the end of the load), as a machine shared with
# builds does. Each ends by itself after 600 s at the latest; burn_stop (and the drills' cleanup)
# end them by pid. cpu_busy_settings reads DRILL_CPU_BUSY, DRILL_CPU_BURNERS, DRILL_CPU_NICE.
cpu_busy_settings() {
  cpu_busy=${DRILL_CPU_BUSY:-1}
  cpu_burners=${DRILL_CPU_BURNERS:-$(nproc)}
  cpu_nice=${DRILL_CPU_NICE:-10}
  [[ "$cpu_busy" == 0 || "$cpu_busy" == 1 ]] || cdie "DRILL_CPU_BUSY must be 0 or 1"
  if (( cpu_busy == 1 )); then
    conditions="CPU busy: $cpu_burners busy loops at nice $cpu_nice on $(nproc) cores"
  else
    conditions="CPU not made busy (DRILL_CPU_BUSY=0)"
  fi
  burn_pids=()
}
burn_start() {
  (( cpu_busy == 1 )) || return 0
  local i
  for i in $(seq 1 "$cpu_burners"); do
    nice -n "$cpu_nice" python3 -c 'import sys, time
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    pass' 600 conduit-cpu-burn </dev/null >/dev/null 2>&1 &
    burn_pids+=("$!")
    pid_set "cpu-burn-$i" "$!"
  done
}
burn_stop() {
  local i
  for i in "${!burn_pids[@]}"; do
    stop_pid "${burn_pids[$i]}" TERM 5 conduit-cpu-burn
    pid_del "cpu-burn-$((i + 1))"
  done
  burn_pids=()
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

# Stops the load driver started by a drill (its pid in $load_pid): the stop file in its log dir,
# the CPU burners off, then up to 180 s for it to read every write back before it is stopped.
load_stop_and_verify() { # load log dir
  local dir=$1 deadline
  touch "$dir/stop"
  burn_stop
  deadline=$(( $(date +%s) + 180 ))
  while kill -0 "$load_pid" 2>/dev/null && (( $(date +%s) < deadline )); do sleep 0.5; done
  if kill -0 "$load_pid" 2>/dev/null; then
    clog "the load driver did not finish its verification within 180 s; stopping it"
    stop_pid "$load_pid" TERM 10 load.py
  fi
  wait "$load_pid" 2>/dev/null || true
  pid_del load; load_pid=''
  tail -n 1 "$dir/load.log" >&2
}
