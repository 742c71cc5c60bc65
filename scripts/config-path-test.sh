#!/usr/bin/env bash
# The configuration path tested end to end (scripts/config-path-test.py): an environment's offline
# plan -> fake SSM / Secrets Manager -> the real boot step -> the real conduit.jar on local
# PostgreSQL + Redis behind HAProxy (option forwardfor, like the ALB) -> per-client rate limits.
#
#   scripts/config-path-test.sh --prepare        install what is missing (apt-get), build the JAR
#   scripts/config-path-test.sh PLAN.json...     run the test on each plan (no network needed)
#
# scripts/check-terraform.sh runs --prepare before it isolates itself, then the test on each plan.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
# shellcheck source=scripts/cluster/lib.sh
source scripts/cluster/lib.sh
# shellcheck source=scripts/lib/jdk.sh
source scripts/lib/jdk.sh

if [[ "${1:-}" == --prepare ]]; then
  cluster_ensure_packages
  if ! /usr/bin/python3 -c 'import botocore' 2>/dev/null; then
    [[ $EUID -eq 0 ]] || cdie "python3-botocore is missing (apt-get install python3-botocore)"
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends python3-botocore >&2 ||
      cdie "apt-get install python3-botocore failed"
  fi
  if [[ ! -f app/target/conduit.jar ]]; then
    conduit_select_jdk
    ./mvnw -q -B -DskipTests package
  fi
  exit 0
fi

(($# > 0)) || cdie "usage: $0 --prepare | PLAN.json..."
conduit_select_jdk >/dev/null
[[ -f app/target/conduit.jar ]] || cdie "no app/target/conduit.jar (run $0 --prepare or scripts/test)"
status=0
for plan in "$@"; do
  CONFIG_PATH_JAVA="$(command -v java)" python3 scripts/config-path-test.py "$plan" || status=1
done
exit $status
