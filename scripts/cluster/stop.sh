#!/usr/bin/env bash
# Stops the cluster started by scripts/cluster/start.sh, by the process ids in
# $CLUSTER_DIR/cluster.pids (default /tmp/conduit-cluster), in order: the ALB stand-in, the
# instances (SIGTERM: they drain and exit), the Redis endpoint, the Redis nodes, PostgreSQL (fast
# shutdown). A pid is signalled only while it still runs the program it was recorded for.
#   scripts/cluster/stop.sh           stop, keep the work dir (logs)
#   scripts/cluster/stop.sh --clean   stop and delete the work dir
set -Euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

clean=0
case "${1:-}" in
  --clean) clean=1 ;;
  -h|--help) sed -n '2,/^set -E/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  '') ;;
  *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

pids_file=$(PIDS_FILE)
if [[ ! -s "$pids_file" ]]; then
  clog "nothing recorded in $pids_file"
else
  names=$(awk '{print $1}' "$pids_file")
  by_prefix() { grep -E "^$1" <<<"$names" || true; }

  for name in $(by_prefix 'haproxy-alb$'); do stop_named "$name" TERM 5; done
  # Instances in parallel: each drains (CONDUIT_SHUTDOWN_DRAIN) and finishes in-flight requests.
  for name in $(by_prefix 'app-'); do
    pid=$(pid_of "$name")
    if pid_alive "$name"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for name in $(by_prefix 'app-'); do stop_named "$name" TERM 40; done
  for name in $(by_prefix 'haproxy-redis$'); do stop_named "$name" TERM 5; done
  for name in $(by_prefix 'redis-'); do stop_named "$name" TERM 15; done
  for name in $(by_prefix 'postgres$'); do stop_named "$name" INT 60; done   # SIGINT: fast shutdown
  # Anything else recorded (a load driver of drills.sh)
  while read -r name _ <&3; do stop_named "$name" TERM 10; done 3< <(awk '{print $1}' "$pids_file")
  clog "stopped the cluster in $CLUSTER_DIR"
fi

if (( clean == 1 )) && [[ -f "$CLUSTER_DIR/cluster.env" ]]; then
  rm -rf "$CLUSTER_DIR"
  clog "deleted $CLUSTER_DIR"
fi
exit 0
