#!/usr/bin/env bash
# Offline checks of the AMI pipeline (ansible/, packer/, the shell scripts) and the image test:
#
#   scripts/check-images.sh
#
# Prints one "PASS <check>", "FAIL <check>: <why>" or "SKIP <check>: <reason>" line per check
# and exits 1 when any check failed. Never contacts AWS. Run as root (CI=true or root also lets
# it install the Debian packages it needs with apt-get).
#
# The image test debootstraps a Debian 12 minbase tree (cached under CHECK_IMAGES_CACHE, default
# /var/cache/conduit-image-test: the first run needs Debian's mirror and takes a few minutes),
# builds the jlink runtime, runs ansible/playbooks/ami.yml into a copy of the tree twice with the
# community.general.chroot connection (the second run must change nothing), verifies the units
# with systemd-analyze, then boots the tree with systemd-nspawn on the host network. The test
# runs its own PostgreSQL and Redis (Debian's, as the postgres and redis users, on free loopback
# ports) and writes /etc/conduit/env for them, then checks that conduit.service runs the real
# conduit.jar on the jlink runtime, answers GET /health/ready with 200, and stops cleanly. A
# second phase gives the container a bootstrap.env and a loopback stand-in for SSM and Secrets
# Manager (ansible/tests/fake_aws.py), so the boot step conduit-config writes the environment
# itself when conduit.service starts again. Every wait is bounded; a trap stops everything the
# script started and unmounts everything it mounted.
#
# Environment: CHECK_IMAGES_CACHE (cache directory), CHECK_IMAGES_MIRROR (Debian mirror),
# CHECK_IMAGES_KEEP=1 (keep the work directory), CONDUIT_JAR (default app/target/conduit.jar).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

cache_dir=${CHECK_IMAGES_CACHE:-/var/cache/conduit-image-test}
mirror=${CHECK_IMAGES_MIRROR:-http://deb.debian.org/debian}
keep=${CHECK_IMAGES_KEEP:-0}
jar_source=${CONDUIT_JAR:-$repo/app/target/conduit.jar}
boot_timeout=120     # seconds until the container's systemd reports the boot finished
ready_timeout=180    # seconds until /health/ready answers 200
stop_timeout=90      # seconds for `systemctl stop conduit` (TimeoutStopSec is 60)
poweroff_timeout=60  # seconds for the container to power off

# Packages in the cached base tree: what the roles install, plus systemd to boot it. The roles
# still run their apt tasks; with these present they change nothing and download nothing.
base_packages=systemd,systemd-sysv,dbus,python3,python3-botocore,logrotate,ca-certificates

started=$(date +%s)
passed=0
failed=0
skipped=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
skip() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }
# Indented tail of a log, shown under a FAIL line.
show() { [[ -f "$1" ]] && tail -n "${2:-40}" "$1" | sed 's/^/    | /'; return 0; }
have() { command -v "$1" >/dev/null 2>&1; }

work=$(mktemp -d /var/tmp/check-images.XXXXXX)
chmod 0755 "$work" # the postgres and redis users need to reach their directories
logs=$work/logs
mkdir -p "$logs"

# Processes and mounts to clean up, whatever happens.
nspawn_pid=""
redis_pid=""
fake_aws_pid=""
pg_data=""
pg_ctl=""
tree=""

cleanup() {
  local status=$?
  set +e
  trap - ERR
  trap '' INT TERM # a second Ctrl+C must not cut the cleanup short
  if [[ -n "$nspawn_pid" ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$nspawn_pid" 2>/dev/null
    wait "$nspawn_pid" 2>/dev/null
  fi
  if [[ -n "$fake_aws_pid" ]]; then kill "$fake_aws_pid" 2>/dev/null; wait "$fake_aws_pid" 2>/dev/null; fi
  if [[ -n "$redis_pid" ]]; then kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; fi
  if [[ -n "$pg_data" && -f "$pg_data/postmaster.pid" ]]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$pg_ctl" -D "$pg_data" -m immediate -w -t 30 stop >/dev/null 2>&1
  fi
  if [[ -n "$tree" ]]; then
    findmnt -rn -o TARGET | grep -F "$tree/" | sort -r | while read -r mount_point; do
      umount -l "$mount_point"
    done
  fi
  [[ $status -eq 130 ]] && echo "interrupted: stopped the test's processes and mounts"
  if [[ "$keep" == 1 ]]; then
    echo "kept $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Anything that fails outside a check (set -e) still ends with a FAIL line.
on_error() { [[ $BASHPID == "$$" ]] && echo "FAIL unexpected error at line $1: $2"; }
set -E
trap 'on_error "$LINENO" "$BASH_COMMAND"' ERR

# ---------------------------------------------------------------------------- packages ----

# command → Debian package
declare -A package_of=(
  [yamllint]=yamllint [ansible-playbook]=ansible [ansible-lint]=ansible-lint [packer]=packer
  [shellcheck]=shellcheck [debootstrap]=debootstrap [systemd-nspawn]=systemd-container
  [systemd-analyze]=systemd [redis-server]=redis-server [curl]=curl [setpriv]=util-linux
)
missing=()
for command in "${!package_of[@]}"; do
  have "$command" || missing+=("${package_of[$command]}")
done
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql)
/usr/bin/python3 -c 'import botocore' 2>/dev/null || missing+=(python3-botocore)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "${CI:-}" == true || $EUID -eq 0 ]] && have apt-get; then
    echo "installing: ${missing[*]}"
    as_root=()
    [[ $EUID -eq 0 ]] || as_root=(sudo -n)
    if ! { timeout 300 "${as_root[@]}" apt-get update -qq &&
      timeout 900 "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
      >"$logs/apt.log" 2>&1; then
      fail "install packages" "apt-get install ${missing[*]} failed"
      show "$logs/apt.log" 20
    fi
  else
    echo "missing packages (not installing: neither root nor CI=true): ${missing[*]}"
  fi
fi

# ---------------------------------------------------------------------------- static -------

export ANSIBLE_CONFIG=$repo/ansible/ansible.cfg
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_LOCAL_TEMP=$work/ansible-tmp
export CHECKPOINT_DISABLE=1 # packer: no update check

if have yamllint; then
  if yamllint --strict -c ansible/.yamllint ansible/ >"$logs/yamllint.log" 2>&1; then
    pass "yamllint ansible/"
  else
    fail "yamllint ansible/"
    show "$logs/yamllint.log"
  fi
else
  skip "yamllint ansible/" "yamllint is not installed"
fi

if have ansible-lint; then
  # --offline: requirements.yml names only collections Debian's ansible ships; nothing is fetched.
  if (cd ansible && timeout 600 ansible-lint --offline --strict --profile production --nocolor) >"$logs/ansible-lint.log" 2>&1; then
    pass "ansible-lint --profile production ($(ansible-lint --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk '{print $2; exit}'))"
  else
    fail "ansible-lint --profile production"
    show "$logs/ansible-lint.log"
  fi
else
  skip "ansible-lint --profile production" "ansible-lint is not installed"
fi

if have ansible-playbook; then
  if timeout 300 ansible-playbook -i localhost, --syntax-check ansible/playbooks/ami.yml >"$logs/syntax.log" 2>&1; then
    pass "ansible-playbook --syntax-check ansible/playbooks/ami.yml"
  else
    fail "ansible-playbook --syntax-check ansible/playbooks/ami.yml"
    show "$logs/syntax.log"
  fi
else
  skip "ansible-playbook --syntax-check" "ansible is not installed"
fi

if have packer; then
  packer_version=$(packer version | head -n 1)
  # The .newer file (required_plugins, rejected by 1.6.6) is HCL too: check its formatting under
  # a name packer fmt accepts.
  mkdir -p "$work/packer-newer"
  cp packer/plugins.pkr.hcl.newer "$work/packer-newer/plugins.pkr.hcl"
  if packer fmt -check packer/ >"$logs/packer-fmt.log" 2>&1 && packer fmt -check "$work/packer-newer" >>"$logs/packer-fmt.log" 2>&1; then
    pass "packer fmt -check packer/ ($packer_version)"
  else
    fail "packer fmt -check packer/" "unformatted: $(tr '\n' ' ' <"$logs/packer-fmt.log")"
  fi
  # A full validate (not -syntax-only): Packer 1.6.6 resolves no AMI and calls no AWS API while
  # validating. No credentials, and, as root, no network at all (a private network namespace).
  validate=(timeout 300 packer validate -var app_version=0.0.0-check -var git_sha=0000000
    -var ssm_agent_deb=/nonexistent/amazon-ssm-agent.deb
    -var cloudwatch_agent_deb=/nonexistent/amazon-cloudwatch-agent.deb packer/)
  isolation=""
  if [[ $EUID -eq 0 ]] && unshare --net true 2>/dev/null; then
    isolation="no network"
    validate=(unshare --net "${validate[@]}")
  else
    isolation="proxies to a closed port"
  fi
  if env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 "${validate[@]}" >"$logs/packer-validate.log" 2>&1; then
    pass "packer validate packer/ ($isolation, no credentials)"
  else
    fail "packer validate packer/"
    show "$logs/packer-validate.log"
  fi
else
  skip "packer fmt -check / validate" "packer is not installed"
fi

if have shellcheck; then
  # Every *.sh, .ci/run and the extension-less scripts under scripts/ (mvnw is generated).
  mapfile -t shell_files < <(
    {
      find . \( -name .git -o -name target -o -name node_modules -o -name .terraform \) -prune -o -type f -name '*.sh' -print
      [[ -f .ci/run ]] && echo ./.ci/run
      find scripts -type f ! -name '*.*' -exec grep -lE '^#!.*\b(ba)?sh\b' {} + 2>/dev/null | sed 's|^|./|' || true
    } | sort -u
  )
  if timeout 300 shellcheck -x "${shell_files[@]}" >"$logs/shellcheck.log" 2>&1; then
    pass "shellcheck (${#shell_files[@]} scripts: $(echo "${shell_files[@]#./}" | tr ' ' ','))"
  else
    fail "shellcheck"
    show "$logs/shellcheck.log" 60
  fi
else
  skip "shellcheck" "shellcheck is not installed"
fi

# ---------------------------------------------------------------------------- helpers ------

free_ports() { # prints $1 free loopback TCP ports
  /usr/bin/python3 - "$1" <<'EOF'
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
EOF
}

# Writes a systemd EnvironmentFile $1 (mode 0600) from KEY=VALUE arguments, quoted like the
# boot step does it.
write_env_file() {
  /usr/bin/python3 - "$@" <<'EOF'
import os, sys
def quote(value):
    return '"' + "".join("\\" + c if c in '\\"`$' else c for c in value) + '"'
path, *pairs = sys.argv[1:]
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as handle:
    for pair in pairs:
        key, value = pair.split("=", 1)
        handle.write(f"{key}={quote(value)}\n")
EOF
}

# Starts ansible/tests/fake_aws.py with the data file $1; sets fake_aws_pid and fake_aws_port.
start_fake_aws() {
  rm -f "$work/fake-aws.port"
  /usr/bin/python3 ansible/tests/fake_aws.py "$1" "$work/fake-aws.port" >>"$logs/fake-aws.log" 2>&1 &
  fake_aws_pid=$!
  for _ in $(seq 1 50); do [[ -s "$work/fake-aws.port" ]] && break; sleep 0.1; done
  fake_aws_port=$(cat "$work/fake-aws.port" 2>/dev/null || true)
}

stop_fake_aws() {
  kill "$fake_aws_pid" 2>/dev/null || true
  wait "$fake_aws_pid" 2>/dev/null || true
  fake_aws_pid=""
}

# Writes fake SSM / Secrets Manager data: prefix $1, JDBC URL $2, Redis port $3, HTTP port $4,
# admin port $5, database password $6, Redis token $7, output $8. Extra SSM keys as KEY=VALUE
# arguments after that.
write_fake_aws_data() {
  /usr/bin/python3 - "$@" <<'EOF'
import json, sys
prefix, jdbc, redis_port, http_port, admin_port, password, token, out, *extra = sys.argv[1:]
db_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-imagetest"
redis_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:conduit/imagetest/redis-auth"
parameters = {
    "db_host": "127.0.0.1", "db_port": jdbc.rsplit(":", 1)[1].split("/")[0], "db_name": "conduit",
    "db_user": "conduit", "db_secret_arn": db_arn, "db_jdbc_url": jdbc,
    "redis_host": "127.0.0.1", "redis_port": redis_port, "redis_tls": "false",
    "redis_auth_secret_arn": redis_arn, "http_port": http_port, "admin_port": admin_port,
    "trusted_proxy_hops": "1",
}
parameters.update(item.split("=", 1) for item in extra)
data = {
    "parameters": {f"{prefix}/{key}": value for key, value in parameters.items()},
    "secrets": {db_arn: json.dumps({"username": "conduit", "password": password}), redis_arn: token},
}
data["parameters"]["/conduit/other-environment/db_user"] = "must-not-be-read"
with open(out, "w", encoding="utf-8") as handle:
    json.dump(data, handle)
EOF
}

# ------------------------------------------------------------- boot step (unit test) -------

# Test secrets with every character that needs care: systemd's EnvironmentFile quoting
# ($ " \ ` ') and URL encoding (/ + @ : %).
# shellcheck disable=SC2016 # literal $ and backtick on purpose
db_password='Te$t"pa\ss'"'"'w0rd`x'
redis_token='tok/en+with@special:chars%'
redis_token_encoded='tok%2Fen%2Bwith%40special%3Achars%25'

check_boot_step() {
  local dir=$work/conduit-config script=ansible/roles/conduit_config/files/conduit-config.py
  mkdir -p "$dir"
  write_fake_aws_data /conduit/unit "jdbc:postgresql://db.example:5432/conduit?sslmode=require" 6379 8080 9090 \
    "$db_password" "$redis_token" "$dir/data.json" redis_tls=true env/CONDUIT_DB_POOL_SIZE=12
  start_fake_aws "$dir/data.json"
  printf 'CONDUIT_ENVIRONMENT=unit\nCONDUIT_SSM_PREFIX=/conduit/unit\nAWS_REGION=eu-west-1\n' >"$dir/bootstrap.env"
  run_config() { # bootstrap file, env file, endpoint → exit status
    env -i PATH=/usr/bin:/bin HOME="$dir" AWS_ACCESS_KEY_ID=unit AWS_SECRET_ACCESS_KEY=unit \
      AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
      CONDUIT_CONFIG_AWS_ENDPOINT_URL="$3" CONDUIT_CONFIG_ATTEMPTS=1 CONDUIT_CONFIG_SDK_ATTEMPTS=1 \
      CONDUIT_CONFIG_BOOTSTRAP_FILE="$1" CONDUIT_CONFIG_ENV_FILE="$2" \
      timeout 120 /usr/bin/python3 "$script" >>"$logs/conduit-config.log" 2>&1
  }
  local endpoint=http://127.0.0.1:$fake_aws_port problems=()
  local expected
  expected=$(
    cat <<EOF
CONDUIT_DB_URL="jdbc:postgresql://db.example:5432/conduit?sslmode=require"
CONDUIT_DB_USER="conduit"
CONDUIT_DB_PASSWORD="Te\\\$t\\"pa\\\\ss'w0rd\\\`x"
CONDUIT_REDIS_URL="rediss://:$redis_token_encoded@127.0.0.1:6379"
CONDUIT_TRUSTED_PROXY_HOPS="1"
CONDUIT_HTTP_PORT="8080"
CONDUIT_ADMIN_PORT="9090"
CONDUIT_DB_POOL_SIZE="12"
EOF
  )
  # 1. bootstrap.env present: the env file is composed from SSM and both secrets.
  if ! run_config "$dir/bootstrap.env" "$dir/env" "$endpoint"; then
    problems+=("failed with bootstrap.env")
  elif [[ "$(grep -v '^#' "$dir/env")" != "$expected" ]]; then
    problems+=("unexpected env file: $(grep -v '^#' "$dir/env" | tr '\n' ' ')")
  elif [[ "$(stat -c %a "$dir/env")" != 600 ]]; then
    problems+=("env file mode $(stat -c %a "$dir/env"), expected 600")
  fi
  # 2. No bootstrap.env but an env file (images outside AWS, the image test): left alone.
  echo 'CONDUIT_DB_URL=kept' >"$dir/env-kept"
  if ! run_config "$dir/absent.env" "$dir/env-kept" "$endpoint" || [[ "$(cat "$dir/env-kept")" != CONDUIT_DB_URL=kept ]]; then
    problems+=("an existing env file without bootstrap.env was not left alone")
  fi
  # 3. Neither file: failure.
  if run_config "$dir/absent.env" "$dir/absent-env" "$endpoint"; then problems+=("no bootstrap.env and no env file did not fail"); fi
  # 4. A missing parameter: failure naming it, no env file.
  printf 'CONDUIT_SSM_PREFIX=/conduit/empty\nAWS_REGION=eu-west-1\n' >"$dir/bootstrap-empty.env"
  if run_config "$dir/bootstrap-empty.env" "$dir/env-empty" "$endpoint" || [[ -e "$dir/env-empty" ]] ||
    ! grep -q 'missing SSM parameters: db_jdbc_url' "$logs/conduit-config.log"; then
    problems+=("missing parameters were not reported")
  fi
  # 5. AWS unreachable: an env file from an earlier boot is kept; without one, failure.
  local closed=http://127.0.0.1:9
  cp "$dir/env" "$dir/env-stale"
  if ! run_config "$dir/bootstrap.env" "$dir/env-stale" "$closed" || ! cmp -s "$dir/env" "$dir/env-stale"; then
    problems+=("an unreachable AWS did not keep the previous env file")
  fi
  if run_config "$dir/bootstrap.env" "$dir/env-none" "$closed"; then problems+=("an unreachable AWS without env file did not fail"); fi
  stop_fake_aws
  if [[ ${#problems[@]} -eq 0 ]]; then
    pass "boot step conduit-config against a fake SSM / Secrets Manager (composition, URL-encoded token, systemd quoting, mode 0600, keep/fail cases)"
  else
    fail "boot step conduit-config" "$(printf '%s; ' "${problems[@]}")"
    show "$logs/conduit-config.log" 20
  fi
}

if /usr/bin/python3 -c 'import botocore' 2>/dev/null; then
  check_boot_step
else
  skip "boot step conduit-config" "python3-botocore is not installed"
fi

# ---------------------------------------------------------------------------- image test ---

jar=$work/conduit.jar
runtime=$work/runtime

# Copies the JAR, which a build may be rewriting right now: only a file left alone for 10 s
# and unchanged during the copy, that is a whole ZIP and the shaded JAR (with the PostgreSQL
# driver and Jedis inside, not the thin JAR Maven writes first). At most about a minute.
copy_jar() {
  local attempt before after
  for attempt in 1 2 3 4 5 6; do
    [[ -f "$jar_source" ]] || return 1
    before=$(stat -c '%s %Y' "$jar_source")
    if (($(date +%s) - ${before#* } >= 10)); then
      cp "$jar_source" "$jar"
      after=$(stat -c '%s %Y' "$jar_source")
      if [[ "$before" == "$after" ]] && /usr/bin/python3 - "$jar" 2>/dev/null <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as jar:
    names = set(jar.namelist())
    sys.exit(jar.testzip() is not None or "org/postgresql/Driver.class" not in names
             or not any(n.startswith("redis/clients/jedis/") for n in names))
EOF
      then
        return 0
      fi
    fi
    echo "waiting for $jar_source to settle (attempt $attempt)" >>"$logs/jar.log"
    sleep 10
  done
  return 1
}

# Makes (once) and prints the cached Debian 12 minbase tree.
base_tree() {
  local key dir
  key=$(printf '%s\n' bookworm minbase "$base_packages" "$mirror" | sha256sum | cut -c1-12)
  dir=$cache_dir/bookworm-minbase-$key
  mkdir -p "$cache_dir"
  (
    flock -w 900 9 || exit 1
    if [[ ! -f "$dir/complete" ]]; then
      rm -rf "$dir.tmp"
      mkdir -p "$dir.tmp"
      timeout 1800 debootstrap --variant=minbase --include="$base_packages" bookworm "$dir.tmp/tree" "$mirror" \
        >"$logs/debootstrap.log" 2>&1 || exit 1
      mkdir -p "$dir.tmp/tree/var/lib/apt/periodic"
      date -u +%FT%TZ >"$dir.tmp/complete"
      rm -rf "$dir"
      mv "$dir.tmp" "$dir"
      # Bases made for other package lists or mirrors are not used any more.
      find "$cache_dir" -mindepth 1 -maxdepth 1 -type d -name 'bookworm-minbase-*' ! -path "$dir" -exec rm -rf {} +
    fi
  ) 9>"$cache_dir/.lock" || return 1
  echo "$dir"
}

# Runs a command inside the booted container (all its namespaces), bounded by $1 seconds.
in_container() {
  local seconds=$1
  shift
  timeout "$seconds" nsenter --target "$leader_pid" --all -- "$@"
}

# Waits until GET /health/ready on port $1 answers 200, at most $ready_timeout seconds.
wait_ready() {
  local deadline=$((SECONDS + ready_timeout)) code=""
  while ((SECONDS < deadline)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$1/health/ready" || true)
    [[ "$code" == 200 ]] && return 0
    if [[ -n "$nspawn_pid" ]] && ! kill -0 "$nspawn_pid" 2>/dev/null; then return 1; fi
    # Failed for good (start limit hit): no point waiting longer.
    if [[ "$(in_container 10 systemctl is-failed conduit.service 2>/dev/null || true)" == failed ]] &&
      [[ "$(in_container 10 systemctl show conduit.service -p SubState --value 2>/dev/null || true)" == failed ]]; then
      echo "conduit.service failed" >>"$logs/ready.log"
      return 1
    fi
    sleep 1
  done
  echo "last answer: ${code:-none}" >>"$logs/ready.log"
  return 1
}

# Stops conduit.service in the container and checks it ended cleanly (inactive, exit 0).
stop_conduit() {
  local state
  in_container "$stop_timeout" systemctl stop conduit.service || return 1
  state=$(in_container 15 systemctl show conduit.service -p ActiveState -p Result -p ExecMainStatus | sort | tr '\n' ' ' || true)
  echo "$state" >>"$logs/stop.log"
  [[ "$state" == "ActiveState=inactive ExecMainStatus=0 Result=success " ]]
}

container_diagnostics() {
  {
    echo "== systemctl --failed"
    in_container 15 systemctl --failed --no-pager || true
    echo "== journal (conduit, conduit-config)"
    in_container 15 journalctl --no-pager -n 60 -u conduit.service -u conduit-config.service || true
    echo "== /var/log/conduit/conduit.log"
    tail -n 20 "$tree/var/log/conduit/conduit.log" || true
  } >"$logs/container.log" 2>&1
  show "$logs/container.log" 80
}

# Runs the installed conduit-cloudwatch-config on a copy of the image's templates, with a
# bootstrap.env, an env file and a stub agent control script; checks what the agent would get.
check_cloudwatch_step() {
  local dir=$work/cloudwatch
  mkdir -p "$dir/config"
  cp "$tree/etc/conduit/cloudwatch/agent.json.in" "$tree/etc/conduit/cloudwatch/prometheus.yaml.in" "$dir/config/"
  printf 'CONDUIT_ENVIRONMENT=imagetest\nCONDUIT_LOG_GROUP=/conduit/imagetest/app\n' >"$dir/bootstrap.env"
  printf 'CONDUIT_ADMIN_PORT="19191"\n' >"$dir/env"
  printf '#!/bin/sh\necho "$@" >"%s/ctl.args"\n' "$dir" >"$dir/agent-ctl"
  chmod +x "$dir/agent-ctl"
  if env CONDUIT_CW_CONFIG_DIR="$dir/config" CONDUIT_CW_BOOTSTRAP_FILE="$dir/bootstrap.env" \
    CONDUIT_CW_ENV_FILE="$dir/env" CONDUIT_CW_AGENT_CTL="$dir/agent-ctl" \
    timeout 60 /usr/bin/python3 "$tree/usr/local/libexec/conduit/conduit-cloudwatch-config" >"$logs/cloudwatch.log" 2>&1 &&
    /usr/bin/python3 - "$dir" >>"$logs/cloudwatch.log" 2>&1 <<'EOF'
import json, sys
d = sys.argv[1]
agent = json.load(open(f"{d}/config/agent.json"))
files = agent["logs"]["logs_collected"]["files"]["collect_list"]
assert [f["log_group_name"] for f in files] == ["/conduit/imagetest/app", "/conduit/imagetest/app/journal"], files
assert files[0]["file_path"] == "/var/log/conduit/conduit.log", files
assert files[1]["file_path"] == "/var/log/conduit-journal/journal.log", files
prometheus = agent["logs"]["metrics_collected"]["prometheus"]
assert prometheus["log_group_name"] == "/conduit/imagetest/app", prometheus
assert prometheus["cluster_name"] == "conduit-imagetest", prometheus
assert prometheus["emf_processor"]["metric_namespace"] == "Conduit", prometheus
assert "127.0.0.1:19191" in open(f"{d}/config/prometheus.yaml").read()
args = open(f"{d}/ctl.args").read().split()
assert args == ["-a", "fetch-config", "-m", "ec2", "-s", "-c", f"file:{d}/config/agent.json"], args
EOF
  then
    pass "conduit-cloudwatch-config completes the agent configuration (log group, admin port) and calls amazon-cloudwatch-agent-ctl (stub)"
  else
    fail "conduit-cloudwatch-config"
    show "$logs/cloudwatch.log"
  fi
}

image_test() {
  local base pg_port redis_port http_port admin_port http2_port admin2_port

  if [[ $EUID -ne 0 ]]; then
    skip "image test" "needs root (debootstrap, chroot, systemd-nspawn)"
    return
  fi
  local tool
  for tool in debootstrap systemd-nspawn nsenter curl setpriv redis-server ansible-playbook; do
    if ! have "$tool"; then skip "image test" "$tool is not installed"; return; fi
  done
  pg_ctl=$(compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' | sort -V | tail -n 1 || true)
  if [[ -z "$pg_ctl" ]]; then skip "image test" "PostgreSQL's pg_ctl is not installed"; return; fi

  if ! copy_jar; then
    fail "image test" "$jar_source is missing or incomplete: build the JAR first (scripts/test)"
    return
  fi

  # The Java runtime of the image.
  if timeout 900 scripts/build-runtime.sh "$runtime" "$jar" >"$logs/build-runtime.log" 2>&1; then
    pass "scripts/build-runtime.sh: jlink runtime $(du -sh "$runtime" | cut -f1), no configuration → exit 1 naming the missing variables"
  else
    fail "scripts/build-runtime.sh"
    show "$logs/build-runtime.log"
    return
  fi

  # The Debian 12 tree: cached minbase, copied for this run.
  local base_started=$SECONDS
  if ! base=$(base_tree); then
    if grep -qiE 'resolve|connect|network|Failed getting release file|Couldn.t download' "$logs/debootstrap.log" 2>/dev/null; then
      skip "image test" "debootstrap cannot reach $mirror ($(grep -m1 -iE 'resolve|connect|network|release file|download' "$logs/debootstrap.log"))"
    else
      fail "image test" "debootstrap failed"
      show "$logs/debootstrap.log"
    fi
    return
  fi
  echo "base tree: $base (made $(cat "$base/complete"); $((SECONDS - base_started)) s)"
  tree=$work/tree
  cp -a "$base/tree" "$tree"
  # The roles' apt tasks refresh the package lists when they are older than an hour. Every
  # package they install is already in the base tree, so mark the lists debootstrap fetched as
  # fresh: the test then needs no mirror once the base is cached.
  touch "$tree/var/lib/apt/periodic/update-success-stamp"
  # debootstrap writes no /etc/hosts; Debian's cloud images (cloud-init's manage_etc_hosts) have
  # one, and the AOT training run's embedded PostgreSQL is reached as "localhost".
  [[ -e "$tree/etc/hosts" ]] || printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$tree/etc/hosts"

  # The playbook, twice, through the chroot connection. /proc, and /dev/shm as a booted build
  # instance has it (tmpfs, mode 1777: the AOT training run's embedded PostgreSQL keeps its
  # shared memory there), are mounted for the runs only.
  # SYSTEMD_OFFLINE=1 makes systemctl inside the chroot work on unit files (enable, mask) and
  # ignore daemon-reload; systemctl detects a chroot by itself only when it may read
  # /proc/1/root, which sandboxes without systemd as PID 1 (like this CI machine) refuse.
  mount -t proc proc "$tree/proc"
  mount -t tmpfs -o mode=1777,size=256m tmpfs "$tree/dev/shm"
  cat >"$work/inventory.ini" <<EOF
[image]
$tree ansible_connection=community.general.chroot ansible_python_interpreter=/usr/bin/python3
EOF
  /usr/bin/python3 -c 'import json, sys; json.dump({
    "conduit_app_jar_src": sys.argv[1], "conduit_runtime_src": sys.argv[2],
    "conduit_hardening_ssm_agent_required": False}, open(sys.argv[3], "w"))' "$jar" "$runtime" "$work/vars.json"
  local run recap changed
  for run in 1 2; do
    local run_started=$SECONDS
    if ! SYSTEMD_OFFLINE=1 timeout 1200 ansible-playbook -i "$work/inventory.ini" ansible/playbooks/ami.yml -e "@$work/vars.json" \
      >"$logs/playbook-$run.log" 2>&1; then
      fail "playbook run $run into the chroot"
      show "$logs/playbook-$run.log" 60
      return
    fi
    recap=$(grep -E ' : ok=[0-9]+ ' "$logs/playbook-$run.log" | tail -n 1)
    changed=$(sed -n 's/.* changed=\([0-9]*\) .*/\1/p' <<<"$recap")
    if [[ $run == 1 ]]; then
      pass "playbook run 1 into a Debian 12 chroot (community.general.chroot): $changed changed, $((SECONDS - run_started)) s"
    elif [[ "$changed" == 0 ]]; then
      pass "playbook run 2 is idempotent (changed=0, $((SECONDS - run_started)) s)"
    else
      fail "playbook run 2 is idempotent" "changed=$changed"
      grep -B1 -E '^changed:' "$logs/playbook-$run.log" | sed 's/^/    | /'
    fi
  done
  umount "$tree/dev/shm"
  umount "$tree/proc"

  # The rendered units, as installed in the image: every conduit unit the playbook installed (found
  # in the tree, so a unit added to a role is verified without editing this list), and at least the
  # templates the roles carry.
  mapfile -t units < <(find "$tree/etc/systemd/system" -maxdepth 1 -type f \( -name 'conduit*.service' -o -name 'conduit*.timer' \) \
    -printf '%f\n' | sort)
  mapfile -t templates < <(find "$repo/ansible/roles" -path '*/templates/*' \( -name 'conduit*.service.j2' -o -name 'conduit*.timer.j2' \) \
    -printf '%f\n' | sed 's/\.j2$//' | sort -u)
  missing_units=$(comm -13 <(printf '%s\n' "${units[@]}") <(printf '%s\n' "${templates[@]}") | tr '\n' ' ')
  if [[ -n "$missing_units" ]]; then
    fail "every unit template of the roles is installed in the image" "missing: $missing_units"
  elif timeout 120 systemd-analyze verify --root="$tree" "${units[@]}" >"$logs/verify.log" 2>&1 && [[ ! -s "$logs/verify.log" ]]; then
    pass "systemd-analyze verify ${units[*]} (no output)"
  else
    fail "systemd-analyze verify" "$(tr '\n' ' ' <"$logs/verify.log")"
  fi

  # The CloudWatch boot step on the installed templates, with a stub in place of the agent.
  check_cloudwatch_step

  # PostgreSQL and Redis for the container, on free loopback ports, as their own users.
  read -r pg_port redis_port http_port admin_port http2_port admin2_port <<<"$(free_ports 6)"
  mkdir -p "$work/pg" "$work/redis"
  chown postgres: "$work/pg"
  chown redis: "$work/redis"
  pg_data=$work/pg/data
  local as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  if ! {
    timeout 120 "${as_postgres[@]}" "$(dirname "$pg_ctl")/initdb" -D "$pg_data" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C &&
      "${as_postgres[@]}" "$pg_ctl" -D "$pg_data" -l "$work/pg/postgres.log" -w -t 60 \
        -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" start &&
      printf "CREATE ROLE conduit LOGIN PASSWORD :'password';\nCREATE DATABASE conduit OWNER conduit;\n" |
      timeout 60 "${as_postgres[@]}" "$(dirname "$pg_ctl")/psql" -h "$work/pg" -p "$pg_port" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 -q -v password="$db_password"
  } >"$logs/postgres.log" 2>&1; then
    fail "image test" "could not start PostgreSQL"
    show "$logs/postgres.log"
    show "$work/pg/postgres.log"
    return
  fi
  cat >"$work/redis/redis.conf" <<EOF
bind 127.0.0.1
port $redis_port
dir $work/redis
save ""
appendonly no
requirepass "$redis_token"
EOF
  setpriv --reuid=redis --regid=redis --init-groups -- redis-server "$work/redis/redis.conf" >"$logs/redis.log" 2>&1 &
  redis_pid=$!
  local redis_ok=""
  for _ in $(seq 1 50); do
    if [[ "$(timeout 5 redis-cli -p "$redis_port" --no-auth-warning -a "$redis_token" ping 2>/dev/null)" == PONG ]]; then
      redis_ok=1
      break
    fi
    sleep 0.2
  done
  if [[ -z "$redis_ok" ]]; then
    fail "image test" "could not start Redis"
    show "$logs/redis.log"
    return
  fi
  echo "services: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (password and token with special characters)"

  # The service environment a real instance gets from the boot step, written by the test.
  write_env_file "$tree/etc/conduit/env" \
    "CONDUIT_DB_URL=jdbc:postgresql://127.0.0.1:$pg_port/conduit" \
    CONDUIT_DB_USER=conduit \
    "CONDUIT_DB_PASSWORD=$db_password" \
    "CONDUIT_REDIS_URL=redis://:$redis_token_encoded@127.0.0.1:$redis_port" \
    "CONDUIT_HTTP_PORT=$http_port" \
    "CONDUIT_ADMIN_PORT=$admin_port"

  # Boot. Host network (the container reaches the services on loopback), no registration with
  # machined (nspawn needs no systemd on the host then).
  local boot_started=$SECONDS
  systemd-nspawn --quiet --directory="$tree" --boot --register=no --keep-unit --console=pipe \
    --link-journal=no --resolv-conf=off --timezone=off --hostname=conduit-image-test \
    </dev/null >"$logs/nspawn.log" 2>&1 &
  nspawn_pid=$!
  # The container's PID 1: the child of systemd-nspawn once it runs systemd in its own PID
  # namespace (before that, the child is nspawn's own set-up process), with its manager socket.
  leader_pid=""
  local candidate own_pid_ns deadline=$((SECONDS + 60))
  own_pid_ns=$(readlink /proc/self/ns/pid)
  while ((SECONDS < deadline)) && kill -0 "$nspawn_pid" 2>/dev/null; do
    candidate=$(pgrep -P "$nspawn_pid" | head -n 1 || true)
    if [[ -n "$candidate" && "$(cat "/proc/$candidate/comm" 2>/dev/null)" == systemd &&
      "$(readlink "/proc/$candidate/ns/pid" 2>/dev/null)" != "$own_pid_ns" ]]; then
      leader_pid=$candidate
      if in_container 5 test -S /run/systemd/private 2>/dev/null; then break; fi
    fi
    sleep 0.2
  done
  if [[ -z "$leader_pid" ]]; then
    fail "systemd-nspawn -b: the image boots" "no systemd in the container after 60 s"
    show "$logs/nspawn.log"
    return
  fi
  local system_state
  system_state=$(in_container "$boot_timeout" systemctl is-system-running --wait 2>/dev/null || true)
  if [[ "$system_state" == running ]]; then
    pass "systemd-nspawn -b: the image boots (system state running, $((SECONDS - boot_started)) s)"
  else
    fail "systemd-nspawn -b: the image boots" "system state '${system_state:-no answer}'"
    container_diagnostics
  fi

  # Phase 1: the env file written above.
  if wait_ready "$http_port"; then
    local unit_pid java
    unit_pid=$(in_container 15 systemctl show conduit.service -p MainPID --value || true)
    java=$(in_container 15 readlink "/proc/$unit_pid/exe" || true)
    pass "conduit.service runs /opt/conduit/conduit.jar on ${java:-?} and GET /health/ready is 200 ($((SECONDS - boot_started)) s after boot)"
  else
    fail "conduit.service answers GET /health/ready" "no 200 within $ready_timeout s"
    container_diagnostics
    return
  fi
  # The AOT cache written by the image build's training run is the one the service maps.
  local aot_maps start_millis
  aot_maps=$(in_container 15 grep -c ' /opt/conduit/conduit.aot$' "/proc/$unit_pid/maps" || true)
  start_millis=$(grep -o '"startMillis":[0-9]*' "$tree/var/log/conduit/conduit.log" | tail -n 1 | cut -d: -f2 || true)
  if [[ -s "$tree/opt/conduit/conduit.aot" && "${aot_maps:-0}" -gt 0 ]]; then
    pass "conduit.service maps the AOT cache trained at image build ($(du -h "$tree/opt/conduit/conduit.aot" | cut -f1); started in ${start_millis:-?} ms)"
  else
    fail "conduit.service maps the AOT cache trained at image build" "cache file $(stat -c %s "$tree/opt/conduit/conduit.aot" 2>/dev/null || echo missing) bytes, ${aot_maps:-0} mappings"
    show "$tree/opt/conduit/conduit.aot.fingerprint" 2
  fi
  if head -n 1 "$tree/var/log/conduit/conduit.log" | /usr/bin/python3 -c 'import json, sys; assert "message" in json.load(sys.stdin)' 2>/dev/null; then
    pass "JSON log in /var/log/conduit/conduit.log"
  else
    fail "JSON log in /var/log/conduit/conduit.log"
  fi
  local exposure
  exposure=$(in_container 30 systemd-analyze security conduit.service --no-pager 2>/dev/null |
    sed -n 's/.*Overall exposure level for conduit.service: //p' || true)
  local stop_started=$SECONDS
  if stop_conduit; then
    pass "systemctl stop conduit: inactive, exit status 0 after draining ($((SECONDS - stop_started)) s; systemd-analyze security: ${exposure:-n/a})"
  else
    fail "systemctl stop conduit" "ended as '$(tail -n 1 "$logs/stop.log" 2>/dev/null)'"
    container_diagnostics
  fi

  # Phase 2: bootstrap.env + a fake SSM / Secrets Manager; starting conduit.service runs the
  # boot step again, which writes a new env file (other ports, a 1 s drain from env/).
  write_fake_aws_data /conduit/imagetest "jdbc:postgresql://127.0.0.1:$pg_port/conduit" "$redis_port" \
    "$http2_port" "$admin2_port" "$db_password" "$redis_token" "$work/fake-aws-image.json" env/CONDUIT_SHUTDOWN_DRAIN=1s
  start_fake_aws "$work/fake-aws-image.json"
  printf '%s\n' CONDUIT_ENVIRONMENT=imagetest CONDUIT_SSM_PREFIX=/conduit/imagetest AWS_REGION=eu-west-1 \
    AWS_DEFAULT_REGION=eu-west-1 CONDUIT_LOG_GROUP=/conduit/imagetest/app >"$tree/etc/conduit/bootstrap.env"
  mkdir -p "$tree/etc/systemd/system/conduit-config.service.d"
  cat >"$tree/etc/systemd/system/conduit-config.service.d/image-test.conf" <<EOF
[Service]
Environment=CONDUIT_CONFIG_AWS_ENDPOINT_URL=http://127.0.0.1:$fake_aws_port
Environment=AWS_ACCESS_KEY_ID=imagetest AWS_SECRET_ACCESS_KEY=imagetest AWS_EC2_METADATA_DISABLED=true
EOF
  rm -f "$tree/etc/conduit/env"
  local phase2_started=$SECONDS
  if in_container 30 systemctl daemon-reload && in_container 120 systemctl start conduit.service && wait_ready "$http2_port"; then
    local env_mode
    env_mode=$(stat -c '%a %U' "$tree/etc/conduit/env" || true)
    if [[ "$env_mode" == "600 root" ]] && grep -qF "redis://:$redis_token_encoded@127.0.0.1:$redis_port" "$tree/etc/conduit/env"; then
      pass "boot step in the image: conduit-config writes /etc/conduit/env from (fake) SSM and Secrets Manager on start, the app is ready with it ($((SECONDS - phase2_started)) s)"
    else
      fail "boot step in the image" "env file is '$env_mode' or lacks the URL-encoded Redis token"
    fi
  else
    fail "boot step in the image" "conduit.service not ready on port $http2_port after conduit-config"
    container_diagnostics
  fi
  stop_started=$SECONDS
  if stop_conduit; then
    pass "systemctl stop conduit after the boot step: inactive, exit status 0 ($((SECONDS - stop_started)) s)"
  else
    fail "systemctl stop conduit after the boot step"
    container_diagnostics
  fi
  stop_fake_aws

  # Power off.
  in_container 30 systemctl poweroff --no-block >/dev/null 2>&1 || true
  local deadline=$((SECONDS + poweroff_timeout))
  while kill -0 "$nspawn_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 1; done
  if kill -0 "$nspawn_pid" 2>/dev/null; then
    fail "container powers off" "still running after $poweroff_timeout s"
  else
    local nspawn_status=0
    wait "$nspawn_pid" || nspawn_status=$?
    nspawn_pid=""
    if [[ $nspawn_status -eq 0 ]]; then
      pass "container powers off (systemd-nspawn exit 0)"
    else
      fail "container powers off" "systemd-nspawn exit $nspawn_status"
      show "$logs/nspawn.log"
    fi
  fi
}

image_test

echo "summary: $passed passed, $failed failed, $skipped skipped; total $(($(date +%s) - started)) s"
if [[ $failed -gt 0 ]]; then exit 1; fi
