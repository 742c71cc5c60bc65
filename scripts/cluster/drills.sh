#!/usr/bin/env bash
# shellcheck disable=SC2317 # the drill functions are called by name from the dispatch loop
# The failure drills (docs/cluster.md), each bounded in time and under steady load from load.py:
#   a   kill -9 of one instance; the ASG stand-in starts a new one on the same port
#   b   rolling replacement of all three instances, one at a time, as an ASG instance refresh
#       rolls a new AMI: SIGTERM + deregistration (HAProxy runtime API "state drain") → drained
#       and health check failing → exit → new process on the same port → ready → "state ready"
#   c1  Redis primary failover, planned: FAILOVER on the primary
#   c2  Redis primary failover, crash: kill -9 of the primary, REPLICAOF NO ONE on the replica,
#       the old primary rejoins as a replica
#   d   PostgreSQL stopped for 15 s (fast shutdown: connections dropped, as in an RDS failover),
#       then started again
#   e   credential rotation: the database password changed in PostgreSQL and the Redis AUTH token
#       on both nodes, each with the connections that used the old one cut, and the secret files
#       the instances read (as /etc/conduit/secrets on AWS) replaced DRILL_ROTATION_GAP s later
# While a drill runs, busy loops at a low priority keep the CPU busy (DRILL_CPU_BUSY=1), so the
# timing criteria hold on a machine shared with other work, not only on an idle one. After each
# drill the load driver reads every write back; report.py prints a table with the numbers the
# criteria judge and PASS/FAIL per criterion. Exit status 1 when any criterion fails.
#
#   scripts/cluster/drills.sh            all drills (a b c1 c2 d e); about 4 minutes with start-up
#   scripts/cluster/drills.sh b c        some of them ("c" is c1 and c2)
#
# Uses the cluster running in CLUSTER_DIR (default /tmp/conduit-cluster) and leaves it running;
# when none runs there it starts one (start.sh; CONDUIT_* of the caller reach the instances) and
# stops it at the end. Environment:
#   DRILL_WORKERS=12 DRILL_RATE=80 DRILL_USERS=24   load: threads, requests/s, users
#   DRILL_WARMUP=5 DRILL_TAIL=6                      seconds of load before the fault / after recovery
#   DRILL_ROLL_MODE=race                             drill b: "race" sends SIGTERM and deregisters
#       the target DRILL_DEREG_LAG (1) s later, as an ALB keeps routing for a moment after a
#       deregistration starts (the app's drain must cover it); "deregister-first" drains the
#       target in HAProxy, waits until no request is on it, then sends SIGTERM
#   DRILL_PG_DOWN=15 DRILL_REDIS_DETECT=1            drill d outage; drill c2 crash-to-promotion s
#   DRILL_ROTATION_GAP=1                             drill e: seconds from the server refusing the
#       old secret to the new one in the secret file (on AWS: the refresh timer's next run)
#   DRILL_KILL_WRITE_AGE=10                          drill a kills app-2 once a write has been on it
#       this many ms without an answer (past its Idempotency-Key claim), 2 requests at least
#   DRILL_CPU_BUSY=1 DRILL_CPU_BURNERS=<cores> DRILL_CPU_NICE=10
#       the CPU-busy mode: that many busy loops at that nice level run from the warm-up to the end
#       of the load of each drill (each ends by itself after 600 s); 0 turns it off
#   DRILL_WAIT_FOR_BENCH=600                         wait this long for a running wrk to finish
#   DRILL_LATE_RETRY=0                               experiment, not a criterion: after the load,
#       wait this long and retry once every write the client had given up on, with its key
set -Eeuo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in -h|--help) sed -n '2,/^set -E/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;; esac
drills=()
for arg in "${@:-a b c1 c2 d e}"; do
  for x in $arg; do
    case "$x" in
      a|b|c1|c2|d|e) drills+=("$x") ;;
      c) drills+=(c1 c2) ;;
      *) echo "unknown drill: $x (a, b, c, c1, c2, d, e)" >&2; exit 2 ;;
    esac
  done
done

workers=${DRILL_WORKERS:-12}
rate=${DRILL_RATE:-80}
users=${DRILL_USERS:-24}
warmup=${DRILL_WARMUP:-5}
tail_s=${DRILL_TAIL:-6}
roll_mode=${DRILL_ROLL_MODE:-race}
dereg_lag=${DRILL_DEREG_LAG:-1}
pg_down=${DRILL_PG_DOWN:-15}
redis_detect=${DRILL_REDIS_DETECT:-1}
rotation_gap=${DRILL_ROTATION_GAP:-1}
kill_write_age=${DRILL_KILL_WRITE_AGE:-10}
cpu_busy_settings  # the CPU-busy mode (lib.sh): cpu_busy, cpu_burners, cpu_nice, conditions
[[ "$roll_mode" == race || "$roll_mode" == deregister-first ]] || cdie "DRILL_ROLL_MODE must be race or deregister-first"
t_begin=$(date +%s)

# Another helper's benchmark would skew latencies and starve the drills on a 2-core machine.
bench_wait=${DRILL_WAIT_FOR_BENCH:-600}
if pgrep -x wrk >/dev/null; then
  clog "a wrk benchmark is running; waiting up to ${bench_wait}s for it to finish"
  deadline=$(( $(date +%s) + bench_wait ))
  while pgrep -x wrk >/dev/null && (( $(date +%s) < deadline )); do sleep 5; done
  pgrep -x wrk >/dev/null && clog "wrk still runs after ${bench_wait}s; drilling anyway (latencies will suffer)"
fi

own_cluster=0
load_pid=''
summary=''
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  burn_stop
  if [[ -n "$load_pid" ]]; then stop_pid "$load_pid" TERM 20 load.py; pid_del load; fi
  if (( own_cluster == 1 )); then "$cluster_here/stop.sh" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

running=0
if [[ -f "$CLUSTER_DIR/cluster.pids" ]] && pid_alive haproxy-alb; then running=1; fi
if (( running == 0 )); then
  "$cluster_here/start.sh" >&2
  own_cluster=1
else
  clog "using the cluster running in $CLUSTER_DIR"
fi
cluster_load_env
results="$CLUSTER_DIR/drills"
mkdir -p "$results"
summary="$results/summary-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
: >"$summary"

healthy_cluster() { # every instance UP in the ALB stand-in, one Redis primary behind the endpoint
  local n
  for n in $(seq 1 "$INSTANCES"); do ha_is "$ALB_SOCK" app "app$n" UP || return 1; done
  [[ "$(hactl "$REDIS_EP_SOCK" 'show stat' | awk -F, '$1 == "redis_primary" && $2 ~ /^redis-/ && $18 == "UP"' | wc -l)" == 1 ]] || return 1
  pg_ready
}

current_primary() { # 1 or 2: the node that reports role:master
  local n
  for n in 1 2; do redis_is_master "${REDIS_PORTS[$n]}" && { echo "$n"; return 0; }; done
  return 1
}

load_dir=''
load_start() { # drill
  load_dir="$results/$1"
  rm -rf "$load_dir"; mkdir -p "$load_dir"
  wait_for 60 healthy_cluster || cdie "the cluster is not healthy before drill $1"
  python3 "$cluster_here/load.py" --url "http://127.0.0.1:$ALB_PORT" --duration 300 --workers "$workers" \
    --rate "$rate" --users "$users" --prefix "$1x$(date +%s)" --out "$load_dir" \
    --ready-file "$load_dir/ready" --stop-file "$load_dir/stop" --late-retry "${DRILL_LATE_RETRY:-0}" \
    >"$load_dir/load.log" 2>&1 &
  load_pid=$!
  pid_set load "$load_pid"
  wait_for 90 test -f "$load_dir/ready" || { cat "$load_dir/load.log" >&2; cdie "the load driver did not get ready in 90 s"; }
  burn_start
  sleep "$warmup"
}

failed=0
load_finish() { # drill title
  load_stop_and_verify "$load_dir"
  if ! python3 "$cluster_here/report.py" --drill "$1" --title "$2" --load "$load_dir" \
      --cluster-dir "$CLUSTER_DIR" --summary "$summary" --conditions "$conditions" | tee "$load_dir/report.txt"; then
    failed=1
  fi
}

# ---------------------------------------------------------------------------------------------
drill_a() {
  local victim=2 pid busy busy_writes killed_at
  load_start a
  pid=$(pid_of "app-$victim")
  pid_alive "app-$victim" || cdie "app-$victim is not running"
  read -r busy busy_writes killed_at < <(kill_when_busy "$ALB_SOCK" "app/app$victim" "$pid" 10 2 1 "$kill_write_age")
  event_at "$killed_at" a fault "kill -9 app-$victim"
  event a busy "$busy requests on app$victim just before the kill, $busy_writes of them writes in flight for ${kill_write_age} ms or more"
  wait_gone "$pid" 5; pid_del "app-$victim"
  wait_for 10 ha_is "$ALB_SOCK" app "app$victim" DOWN || clog "HAProxy did not mark app$victim DOWN within 10 s"
  event a down "HAProxy marked app$victim DOWN"
  sleep 2
  # The ASG replaces the instance
  start_instance "$victim"
  wait_instance_ready "$victim" 120
  wait_for 15 ha_is "$ALB_SOCK" app "app$victim" UP || cdie "app$victim not UP in HAProxy within 15 s"
  event a recovered "new app-$victim UP"
  sleep "$tail_s"
  load_finish a "kill -9 of one instance (app-$victim)"
}

ha_out_of_rotation() { # server: health check failing or admin drain, and nothing on it any more
  local st; st=$(ha_status "$ALB_SOCK" app "$1")
  [[ "$st" != UP ]] && [[ "$(ha_scur "$ALB_SOCK" app "$1")" == 0 ]]
}

drill_b() {
  local n pid deadline
  load_start b
  event b fault "rolling replacement ($roll_mode)"
  for n in $(seq 1 "$INSTANCES"); do
    pid=$(pid_of "app-$n")
    pid_alive "app-$n" || cdie "app-$n is not running"
    if [[ "$roll_mode" == deregister-first ]]; then
      hactl "$ALB_SOCK" "set server app/app$n state drain" >/dev/null
      event b deregister "app$n state drain"
      wait_for 15 ha_out_of_rotation "app$n" || cdie "app$n still has requests 15 s after drain"
      kill -TERM "$pid"
      event b sigterm "app-$n"
    else
      kill -TERM "$pid"
      event b sigterm "app-$n"
      sleep "$dereg_lag"
      hactl "$ALB_SOCK" "set server app/app$n state drain" >/dev/null
      event b deregister "app$n state drain"
    fi
    wait_for 15 ha_out_of_rotation "app$n" || clog "app$n not out of rotation 15 s after SIGTERM"
    # drain + shutdown timeout + margin
    deadline=$(( $(date +%s) + 30 ))
    while kill -0 "$pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]; do
      (( $(date +%s) < deadline )) || cdie "app-$n did not exit within 30 s of SIGTERM"
      sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
    event b exited "app-$n"
    start_instance "$n"
    wait_instance_ready "$n" 120
    hactl "$ALB_SOCK" "set server app/app$n state ready" >/dev/null
    wait_for 15 ha_is "$ALB_SOCK" app "app$n" UP || cdie "app$n not UP in HAProxy within 15 s of ready"
    event b replaced "app-$n"
  done
  sleep "$tail_s"
  load_finish b "rolling replacement of all three instances ($roll_mode)"
}

drill_c1() {
  local p o at
  p=$(current_primary) || cdie "no Redis primary"
  o=$((3 - p))
  load_start c1
  event c1 fault "FAILOVER on redis-$p"
  [[ "$(rcli "${REDIS_PORTS[$p]}" FAILOVER TIMEOUT 5000)" == OK ]] || cdie "FAILOVER was refused"
  wait_for 10 redis_is_master "${REDIS_PORTS[$o]}" || cdie "redis-$o not primary 10 s after FAILOVER"
  event c1 promoted "redis-$o is primary"
  at=$(ha_wait_status "$REDIS_EP_SOCK" redis_primary "redis-$o" UP 10) || cdie "the endpoint does not route to redis-$o"
  event_at "$at" c1 endpoint "endpoint routes to redis-$o"
  wait_for 15 redis_link_up "${REDIS_PORTS[$p]}" || clog "redis-$p did not sync as a replica within 15 s"
  sleep "$tail_s"
  load_finish c1 "Redis primary failover, planned (FAILOVER, redis-$p -> redis-$o)"
}

drill_c2() {
  local p o pid at
  p=$(current_primary) || cdie "no Redis primary"
  o=$((3 - p))
  load_start c2
  pid=$(pid_of "redis-$p")
  event c2 fault "kill -9 redis-$p (primary)"
  kill -KILL "$pid"
  wait_gone "$pid" 5; pid_del "redis-$p"
  sleep "$redis_detect"
  [[ "$(rcli "${REDIS_PORTS[$o]}" REPLICAOF NO ONE)" == OK ]] || cdie "REPLICAOF NO ONE was refused"
  event c2 promoted "redis-$o is primary"
  at=$(ha_wait_status "$REDIS_EP_SOCK" redis_primary "redis-$o" UP 10) || cdie "the endpoint does not route to redis-$o"
  event_at "$at" c2 endpoint "endpoint routes to redis-$o"
  start_redis "$p" "${REDIS_PORTS[$o]}"
  wait_for 20 redis_link_up "${REDIS_PORTS[$p]}" || clog "redis-$p did not sync as a replica within 20 s"
  event c2 rejoined "redis-$p is a replica"
  sleep "$tail_s"
  load_finish c2 "Redis primary failover, crash (kill -9 redis-$p, promote redis-$o)"
}

drill_d() {
  local t0 left
  load_start d
  t0=$(date +%s%N)
  event d fault "stop PostgreSQL (fast shutdown)"
  stop_named postgres INT 30
  event d stopped "PostgreSQL exited"
  left=$(( (t0 + pg_down * 1000000000 - $(date +%s%N)) / 1000000 ))
  (( left > 0 )) && sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
  start_postgres
  event d back "PostgreSQL accepts connections"
  sleep "$tail_s"
  load_finish d "PostgreSQL down for ${pg_down} s"
}

new_secret() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

instance_pids() { # "pid start-time" of every instance: the same before and after = nothing restarted
  local n pid
  for n in $(seq 1 "$INSTANCES"); do
    pid=$(pid_of "app-$n")
    printf 'app-%s:%s:%s ' "$n" "$pid" "$(awk '{print $22}' "/proc/$pid/stat" 2>/dev/null || echo gone)"
  done
}

picked_up() { # what-the-log-says log-offsets...: every instance logged the change after its offset
  local what=$1 n off; shift
  for n in $(seq 1 "$INSTANCES"); do
    off=${1:-0}; shift
    # grep reads to the end (no -q): with -q it stops at the first match, tail then dies of SIGPIPE
    # under pipefail and a found line counts as missing
    tail -c "+$((off + 1))" "$CLUSTER_DIR/logs/app-$n.log" | grep "the $what in .* changed" >/dev/null || return 1
  done
}

log_offsets() { local n; for n in $(seq 1 "$INSTANCES"); do stat -c %s "$CLUSTER_DIR/logs/app-$n.log"; done; }

drill_e() {
  local before after new offsets killed fresh t_secret
  load_start e
  before=$(instance_pids)

  # The database: RDS's rotation sets the new password on the server first; the secret the
  # instances read follows (on AWS: the refresh timer, every minute). Idle pooled connections are
  # cut, so every pool must open new ones in the gap: without that, open connections would carry
  # the drill and prove nothing.
  new=$(new_secret)
  offsets=$(log_offsets)
  event e fault "ALTER ROLE conduit PASSWORD (the database password rotated in PostgreSQL)"
  pg_sql "alter role conduit password '$new'" >/dev/null
  killed=$(pg_sql "select count(pg_terminate_backend(pid)) from pg_stat_activity where usename = 'conduit' and state = 'idle'")
  event e cut "$killed idle connections of conduit terminated: the pools must open new ones"
  sleep "$rotation_gap"
  write_secret db_password "$new"
  t_secret=$(now)
  event_at "$t_secret" e db-secret "the new database password in run/secrets/db_password"
  sed -i -E "s/^DB_PASSWORD=.*/DB_PASSWORD=$new/" "$CLUSTER_DIR/cluster.env"
  # shellcheck disable=SC2086 # one offset per instance
  if wait_for 10 picked_up "database password" $offsets; then
    event e db-picked-up "every instance logged the new database password"
  else
    clog "not every instance logged the new database password within 10 s"
  fi
  sleep 2
  fresh=$(pg_sql "select count(*) from pg_stat_activity where usename = 'conduit' and backend_start > to_timestamp($t_secret)")
  event e db-fresh "$fresh connections of conduit opened with the new password"
  sleep 3

  # Redis: the AUTH token of the default user (the app's) changed on both nodes at once, the
  # app's connections cut (SET, not ROTATE: the hardest case; the runbook's ROTATE keeps both
  # valid), the secret file follows. The operator, health-check and replication users keep theirs.
  new=$(new_secret)
  offsets=$(log_offsets)
  event e redis-fault "Redis AUTH token of the default user changed on both nodes"
  rcli "${REDIS_PORTS[1]}" ACL SETUSER default resetpass ">$new" >/dev/null
  rcli "${REDIS_PORTS[2]}" ACL SETUSER default resetpass ">$new" >/dev/null
  killed=$(( $(rcli "${REDIS_PORTS[1]}" CLIENT KILL USER default) + $(rcli "${REDIS_PORTS[2]}" CLIENT KILL USER default) ))
  event e redis-cut "$killed Redis connections of the app closed: the pools must open new ones"
  sed -i -E "s/^requirepass .*/requirepass $new/" "$CLUSTER_DIR/conf/redis-1.conf" "$CLUSTER_DIR/conf/redis-2.conf"
  sleep "$rotation_gap"
  write_secret redis_password "$new"
  event e redis-secret "the new AUTH token in run/secrets/redis_password"
  sed -i -E "s/^REDIS_PASSWORD=.*/REDIS_PASSWORD=$new/" "$CLUSTER_DIR/cluster.env"
  # shellcheck disable=SC2086
  if wait_for 10 picked_up "redis AUTH token" $offsets; then
    event e redis-picked-up "every instance logged the new Redis AUTH token"
  else
    clog "not every instance logged the new Redis AUTH token within 10 s"
  fi
  sleep 2
  fresh=$(rcli "${REDIS_PORTS[$(current_primary)]}" CLIENT LIST | grep -c " user=default " || true)
  event e redis-fresh "$fresh Redis connections of the app on the primary, opened with the new token"

  after=$(instance_pids)
  if [[ "$before" == "$after" ]]; then
    event e same-processes "no instance restarted: $after"
  else
    event e restarted "before: $before after: $after"
  fi
  sleep "$tail_s"
  load_finish e "credential rotation: database password and Redis AUTH token, secret files ${rotation_gap} s later"
}

for d in "${drills[@]}"; do
  clog "drill $d"
  event "$d" start
  "drill_$d"
done

# ---------------------------------------------------------------------------------------------
python3 - "$summary" "$conditions" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("\n== summary (%s)" % sys.argv[2])
h = ("drill", "requests", "failed", "client err", "p50 ms", "p99 ms", "lost", "dup", "sessions lost", "LB retries",
     "last failure", "a: failed = died in flight + retries + later retries + other", "a: died writes answered",
     "d: max ms in outage", "result")
print("| " + " | ".join(h) + " |")
print("|" + "|".join("---" for _ in h) + "|")
for r in rows:
    print("| " + " | ".join(str(x) for x in (
        r["drill"], r["requests"], r["failed"], r["client_errors"], r["p50_ms"], r["p99_ms"], r["lost"], r["duplicated"],
        r["sessions_lost"], r["lb_retries"], r["last_failure"], r["failed_allowed"], r["retries_answered"],
        r["max_outage_ms"], "PASS" if r["pass"] else "FAIL")) + " |")
for r in rows:
    for t in r["failed_criteria"]:
        print("FAIL %s: %s" % (r["drill"], t))
PY
clog "drills ${drills[*]} finished in $(( $(date +%s) - t_begin )) s: $([[ $failed == 0 ]] && echo PASS || echo FAIL)"
exit "$failed"
