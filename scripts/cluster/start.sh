#!/usr/bin/env bash
# Starts the local high-availability cluster (docs/cluster.md), everything on 127.0.0.1:
#   - PostgreSQL (Debian's binaries, run as an unprivileged user, initdb into the work dir)  ~ RDS
#   - Redis primary + replica (appendonly yes, AUTH), behind an HAProxy TCP frontend that only
#     routes to the node answering role:master                   ~ the ElastiCache primary endpoint
#   - three conduit.jar instances in production mode (JSON logs to files)   ~ the ASG's instances
#   - an HTTP HAProxy: round robin, GET /health/ready every 1 s (fall 2, rise 2), runtime API for
#     drain/maint                                                  ~ the ALB and its target group
# then waits until every part is ready and prints the ports and the pid file. Stop it with
# scripts/cluster/stop.sh (same CLUSTER_DIR).
#
# Environment:
#   CLUSTER_DIR=/tmp/conduit-cluster   work dir (wiped and recreated when no cluster runs there)
#   CLUSTER_BASE_PORT=18080            ALB stand-in on it; instances +1..+3 (admin +11..+13),
#                                      Redis endpoint +20 (nodes +21, +22), PostgreSQL +30
#   CLUSTER_JAR=app/target/conduit.jar the JAR to copy into the work dir
#   CLUSTER_JAVA_OPTS="-Xms128m -Xmx384m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
#   CONDUIT_*                          any variable set by the caller overrides the cluster's
#                                      setting for all instances (e.g. CONDUIT_SHUTDOWN_DRAIN=0s)
set -Eeuo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -E/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  '') ;;
  *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

started_at=$(date +%s)
cluster_ensure_packages
# shellcheck source=scripts/lib/jdk.sh
source "$cluster_root/scripts/lib/jdk.sh"
conduit_select_jdk
jar_src=${CLUSTER_JAR:-$cluster_root/app/target/conduit.jar}
[[ -f "$jar_src" ]] || cdie "no JAR at $jar_src (the build makes it: ./mvnw package)"
java_opts=${CLUSTER_JAVA_OPTS:--Xms128m -Xmx384m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}

# ---------------------------------------------------------------------------------------------
# The work dir: refuse to touch a running cluster, never wipe a directory that is not ours.
if [[ -f "$CLUSTER_DIR/cluster.pids" ]]; then
  while read -r name _; do
    pid_alive "$name" && cdie "a cluster is running in $CLUSTER_DIR ($name); stop it first: scripts/cluster/stop.sh"
  done <"$CLUSTER_DIR/cluster.pids"
fi
if [[ -d "$CLUSTER_DIR" ]]; then
  if [[ -f "$CLUSTER_DIR/cluster.env" || -z "$(ls -A "$CLUSTER_DIR")" ]]; then
    rm -rf "$CLUSTER_DIR"
  else
    cdie "$CLUSTER_DIR exists and is not a cluster work dir; choose another CLUSTER_DIR"
  fi
fi
mkdir -p "$CLUSTER_DIR"/{bin,conf,data,logs,run}
chmod 755 "$CLUSTER_DIR" "$CLUSTER_DIR/logs"
: >"$CLUSTER_DIR/cluster.pids"

# Whatever fails from here on, stop what was started.
ok=0
on_exit() {
  local rc=$?
  trap - EXIT
  if (( ok == 0 )); then
    clog "start failed (exit $rc); stopping what was started (logs kept in $CLUSTER_DIR/logs)"
    "$cluster_here/stop.sh" >&2 || true
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cluster_defaults
for p in "$ALB_PORT" "${APP_PORTS[@]:1}" "${ADMIN_PORTS[@]:1}" "$REDIS_ENDPOINT_PORT" "${REDIS_PORTS[@]:1}" "$PG_PORT"; do
  port_free "$p" || cdie "port $p is in use (choose another CLUSTER_BASE_PORT)"
done

cp "$jar_src" "$CLUSTER_DIR/conduit.jar"
DB_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
REDIS_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
# Redis users besides the app's (the default user, whose password is the AUTH token drill e
# rotates): the operator's scripts (rcli), the endpoint's health check, the replica's link.
REDIS_ADMIN_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
REDIS_CHECK_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
REDIS_REPL_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
PG_BIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_OS_USER=$(id -un)
if [[ $EUID -eq 0 ]]; then
  PG_OS_USER=postgres
  if ! id "$PG_OS_USER" >/dev/null 2>&1; then
    PG_OS_USER=conduit-cluster
    id "$PG_OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
  fi
fi

{
  echo "# written by scripts/cluster/start.sh at $(date -u +%FT%TZ)"
  for v in ALB_PORT REDIS_ENDPOINT_PORT PG_PORT INSTANCES DB_PASSWORD REDIS_PASSWORD REDIS_ADMIN_PASSWORD PG_BIN \
      PG_OS_USER JAVA_HOME; do
    printf '%s=%q\n' "$v" "${!v}"
  done
  printf 'APP_PORTS=(%s)\n' "'' ${APP_PORTS[*]:1}"
  printf 'ADMIN_PORTS=(%s)\n' "'' ${ADMIN_PORTS[*]:1}"
  printf 'REDIS_PORTS=(%s)\n' "'' ${REDIS_PORTS[*]:1}"
  printf 'ALB_SOCK=%q\nREDIS_EP_SOCK=%q\n' "$CLUSTER_DIR/run/haproxy-alb.sock" "$CLUSTER_DIR/run/haproxy-redis.sock"
} >"$CLUSTER_DIR/cluster.env"
chmod 600 "$CLUSTER_DIR/cluster.env"
cluster_load_env
mkdir -p "$CLUSTER_DIR/run/secrets"
chmod 700 "$CLUSTER_DIR/run/secrets"
write_secret db_password "$DB_PASSWORD"
write_secret redis_password "$REDIS_PASSWORD"

# ---------------------------------------------------------------------------------------------
# PostgreSQL
clog "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (as $PG_OS_USER)"
pgdata="$CLUSTER_DIR/data/pgdata"
mkdir -p "$pgdata" "$CLUSTER_DIR/run/pg"
printf '%s\n' "$DB_PASSWORD" >"$CLUSTER_DIR/run/pgpass"
as_pg=()
if [[ $EUID -eq 0 ]]; then
  chown "$PG_OS_USER:" "$pgdata" "$CLUSTER_DIR/run/pg" "$CLUSTER_DIR/run/pgpass"
  as_pg=(setpriv "--reuid=$PG_OS_USER" "--regid=$(id -g "$PG_OS_USER")" --init-groups)
fi
chmod 700 "$pgdata"
(cd "$CLUSTER_DIR" && timeout 120 "${as_pg[@]}" env LC_ALL=C.UTF-8 "$PG_BIN/initdb" -D "$pgdata" -U postgres \
  -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 --pwfile="$CLUSTER_DIR/run/pgpass" \
  --no-sync >"$CLUSTER_DIR/logs/initdb.log" 2>&1) || { cat "$CLUSTER_DIR/logs/initdb.log" >&2; cdie "initdb failed"; }
rm -f "$CLUSTER_DIR/run/pgpass"
cat >>"$pgdata/postgresql.conf" <<EOF

# --- scripts/cluster/start.sh: three instances with 10 connections each, on a small machine
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
start_postgres
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$CLUSTER_DIR/run/pg" -p "$PG_PORT" -U postgres -d postgres <<SQL
create role conduit login password '$DB_PASSWORD';
create database conduit owner conduit;
SQL

# ---------------------------------------------------------------------------------------------
# Redis primary and replica; HAProxy TCP endpoint that follows role:master
clog "Redis $(redis-server --version | sed -E 's/.* v=([^ ]+).*/\1/'): primary 127.0.0.1:${REDIS_PORTS[1]}, replica ${REDIS_PORTS[2]}"
for n in 1 2; do
  mkdir -p "$CLUSTER_DIR/data/redis-$n"
  cat >"$CLUSTER_DIR/conf/redis-$n.conf" <<EOF
# scripts/cluster/start.sh: node $n (started as $([[ $n == 1 ]] && echo primary || echo replica))
bind 127.0.0.1
port ${REDIS_PORTS[$n]}
protected-mode yes
daemonize no
dir $CLUSTER_DIR/data/redis-$n
logfile $CLUSTER_DIR/logs/redis-$n.log
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
  chmod 600 "$CLUSTER_DIR/conf/redis-$n.conf"
done
echo "replicaof 127.0.0.1 ${REDIS_PORTS[1]}" >>"$CLUSTER_DIR/conf/redis-2.conf"
start_redis 1
start_redis 2
wait_for 20 redis_link_up "${REDIS_PORTS[2]}" || cdie "the replica did not sync with the primary within 20 s"

cat >"$CLUSTER_DIR/conf/haproxy-redis.cfg" <<EOF
# scripts/cluster/start.sh: the ElastiCache primary endpoint stand-in. Routes only to the node
# that answers role:master (the classic HAProxy Redis check); connections already open to a
# demoted node stay open, as after an ElastiCache failover, and see READONLY.
global
    maxconn 2000
    stats socket $CLUSTER_DIR/run/haproxy-redis.sock mode 600 level admin
    log stdout format raw local0 info

defaults
    mode tcp
    log global
    option tcplog
    timeout connect 1s
    timeout client 1h
    timeout server 1h
    timeout check 1s

frontend redis_primary_endpoint
    bind 127.0.0.1:$REDIS_ENDPOINT_PORT
    default_backend redis_primary

backend redis_primary
    option tcp-check
    tcp-check connect
    tcp-check send AUTH\ healthcheck\ $REDIS_CHECK_PASSWORD\r\n
    tcp-check expect string +OK
    tcp-check send PING\r\n
    tcp-check expect string +PONG
    # QUIT right behind INFO: Redis closes the connection after answering, so a replica's answer
    # fails the check at once instead of after "timeout check" waiting for role:master.
    tcp-check send info\ replication\r\nQUIT\r\n
    tcp-check expect string role:master
    default-server inter 250ms fall 2 rise 2
    server redis-1 127.0.0.1:${REDIS_PORTS[1]} check
    server redis-2 127.0.0.1:${REDIS_PORTS[2]} check
EOF
chmod 600 "$CLUSTER_DIR/conf/haproxy-redis.cfg"
haproxy -c -q -f "$CLUSTER_DIR/conf/haproxy-redis.cfg" || cdie "haproxy-redis.cfg does not parse"
setsid haproxy -db -f "$CLUSTER_DIR/conf/haproxy-redis.cfg" </dev/null >>"$CLUSTER_DIR/logs/haproxy-redis.log" 2>&1 &
pid_set haproxy-redis $!
wait_for 15 ha_is "$REDIS_EP_SOCK" redis_primary redis-1 UP || cdie "the Redis endpoint did not see redis-1 as primary within 15 s"
wait_for 5 rcli "$REDIS_ENDPOINT_PORT" ping || cdie "no PING through the Redis endpoint"
clog "Redis primary endpoint (HAProxy TCP, role:master check) on 127.0.0.1:$REDIS_ENDPOINT_PORT"

# ---------------------------------------------------------------------------------------------
# The instances: one launcher, so that drills restart an instance with exactly these settings.
unlimited=1000000000/1m
{
  echo "# scripts/cluster/start.sh: the settings of every instance; CONDUIT_* of the caller last"
  declare -A settings=(
    [CONDUIT_DB_URL]="jdbc:postgresql://127.0.0.1:$PG_PORT/conduit"
    [CONDUIT_DB_USER]=conduit
    # The secrets as files, re-read every second, as on an instance (/etc/conduit/secrets)
    [CONDUIT_DB_PASSWORD_FILE]="$CLUSTER_DIR/run/secrets/db_password"
    [CONDUIT_DB_POOL_SIZE]=10
    [CONDUIT_REDIS_URL]="redis://127.0.0.1:$REDIS_ENDPOINT_PORT"
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
overrides=$(grep -c 'from the caller' "$CLUSTER_DIR/conf/instance.env" || true)
(( overrides > 0 )) && clog "instance settings from the caller: $(grep 'from the caller' "$CLUSTER_DIR/conf/instance.env" | sed -E 's/^export ([A-Z_]+)=([^ ]*).*/\1=\2/' | grep -v PASSWORD | tr '\n' ' ')"

cat >"$CLUSTER_DIR/bin/instance" <<EOF
#!/usr/bin/env bash
# scripts/cluster/start.sh: runs instance N (1..$INSTANCES) in the foreground, production mode.
set -euo pipefail
n=\${1:?instance number}
http_ports=(${APP_PORTS[*]@Q})
admin_ports=(${ADMIN_PORTS[*]@Q})
source $(printf '%q' "$CLUSTER_DIR/conf/instance.env")
export CONDUIT_HTTP_PORT=\${http_ports[\$n]} CONDUIT_ADMIN_PORT=\${admin_ports[\$n]}
exec $(printf '%q' "$JAVA_HOME/bin/java") $java_opts -Dconduit.instance=app-\$n -jar $(printf '%q' "$CLUSTER_DIR/conduit.jar")
EOF
chmod 700 "$CLUSTER_DIR/bin/instance"

clog "starting $INSTANCES instances of conduit.jar ($(sha256sum "$CLUSTER_DIR/conduit.jar" | cut -c1-12)); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
for n in $(seq 1 "$INSTANCES"); do start_instance "$n"; done
for n in $(seq 1 "$INSTANCES"); do wait_instance_ready "$n" 180; done
clog "instances ready on 127.0.0.1:${APP_PORTS[*]:1} (admin ${ADMIN_PORTS[*]:1})"

# ---------------------------------------------------------------------------------------------
# The ALB stand-in
servers=''
for n in $(seq 1 "$INSTANCES"); do servers+="    server app$n 127.0.0.1:${APP_PORTS[$n]} check"$'\n'; done
cat >"$CLUSTER_DIR/conf/haproxy-alb.cfg" <<EOF
# scripts/cluster/start.sh: the ALB + target group stand-in (see docs/cluster.md).
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
setsid haproxy -db -f "$CLUSTER_DIR/conf/haproxy-alb.cfg" </dev/null >>"$CLUSTER_DIR/logs/haproxy-alb.log" 2>&1 &
pid_set haproxy-alb $!
for n in $(seq 1 "$INSTANCES"); do
  wait_for 20 ha_is "$ALB_SOCK" app "app$n" UP || cdie "HAProxy did not see app$n UP within 20 s"
done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$ALB_PORT/api/tags" || true)
[[ "$code" == 200 ]] || cdie "GET /api/tags through the ALB stand-in gave $code"

ok=1
cat <<EOF
Conduit HA cluster up in $(( $(date +%s) - started_at )) s, work dir $CLUSTER_DIR
  API (ALB stand-in, HAProxy)   http://127.0.0.1:$ALB_PORT/api      runtime API: $ALB_SOCK
  instances                     $(for n in $(seq 1 "$INSTANCES"); do printf 'app-%s 127.0.0.1:%s (metrics :%s)  ' "$n" "${APP_PORTS[$n]}" "${ADMIN_PORTS[$n]}"; done)
  Redis primary endpoint        127.0.0.1:$REDIS_ENDPOINT_PORT (nodes ${REDIS_PORTS[1]}, ${REDIS_PORTS[2]}; AUTH in cluster.env)   runtime API: $REDIS_EP_SOCK
  PostgreSQL                    127.0.0.1:$PG_PORT database conduit user conduit
  pid file                      $CLUSTER_DIR/cluster.pids
  logs                          $CLUSTER_DIR/logs/
Stop it: CLUSTER_DIR=$CLUSTER_DIR scripts/cluster/stop.sh
EOF
