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
init_postgres
write_postgres_conf
start_postgres
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$CLUSTER_DIR/run/pg" -p "$PG_PORT" -U postgres -d postgres <<SQL
create role conduit login password '$DB_PASSWORD';
create database conduit owner conduit;
SQL

# ---------------------------------------------------------------------------------------------
# Redis primary and replica; HAProxy TCP endpoint that follows role:master
clog "Redis $(redis-server --version | sed -E 's/.* v=([^ ]+).*/\1/'): primary 127.0.0.1:${REDIS_PORTS[1]}, replica ${REDIS_PORTS[2]}"
write_redis_conf 1 primary
write_redis_conf 2 replica
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
write_instance_launcher "$REDIS_ENDPOINT_PORT" "$java_opts"
overrides=$(grep -c 'from the caller' "$CLUSTER_DIR/conf/instance.env" || true)
(( overrides > 0 )) && clog "instance settings from the caller: $(grep 'from the caller' "$CLUSTER_DIR/conf/instance.env" | sed -E 's/^export ([A-Z_]+)=([^ ]*).*/\1=\2/' | grep -v PASSWORD | tr '\n' ' ')"

clog "starting $INSTANCES instances of conduit.jar ($(sha256sum "$CLUSTER_DIR/conduit.jar" | cut -c1-12)); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
for n in $(seq 1 "$INSTANCES"); do start_instance "$n"; done
for n in $(seq 1 "$INSTANCES"); do wait_instance_ready "$n" 180; done
clog "instances ready on 127.0.0.1:${APP_PORTS[*]:1} (admin ${ADMIN_PORTS[*]:1})"

# ---------------------------------------------------------------------------------------------
# The ALB stand-in
write_alb_cfg
start_alb
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
