#!/usr/bin/env bash
# Offline verification of terraform/ (run from anywhere; works on a temp copy).
#
#   scripts/check-terraform.sh
#
# Steps, one "PASS <check>" / "FAIL <check>" line each:
#   1. terraform fmt -check -recursive terraform
#   2. for every module and environment: terraform init -backend=false, validate
#      (warnings count as findings)
#   3. terraform test (mock_provider "aws") wherever tests/*.tftest.hcl exist
#   4. an offline terraform plan of each environment (local backend override,
#      fake credentials, data sources answered by terraform/policy/fake_aws.py
#      on 127.0.0.1), saved as JSON under terraform/.plans/ and checked by
#      terraform/policy/check_plan.py
#   6. (after 5) scripts/config-path-test.sh on each plan: the planned SSM parameters and
#      secrets through the real boot step into the real conduit.jar behind HAProxy; every
#      variable the README calls required is set, rate limits are per client address
#   8. (after 7) terraform/policy/test_region.py: scripts/region (failover, failback, fence,
#      status) against fakes of terraform and the aws CLI, and its layout against the
#      production plan's output region_failover
#   7. (after 6) terraform/policy/test_release.py: scripts/release against fakes
#      of terraform and the aws CLI (deploy, automatic rollback, apply, rollback)
#   5. once that passes, the negative self-test terraform/policy/mutate_plan.py:
#      copies of the plan JSON that each break one HA/security property (RDS
#      Multi-AZ off, IMDSv1, app port open to 0.0.0.0/0, ...) must each make
#      check_plan.py fail on that property ("PASS policy catches <mutation>")
#
# Nothing reaches the network: the hashicorp/aws provider comes from the local
# filesystem mirror (found with find), registries are excluded, the run moves
# into a private network namespace (loopback only) when `unshare -n` works,
# and proxies point at a closed local port otherwise.
# Prints "SKIP terraform: <reason>" and exits 0 when terraform or the provider
# mirror is missing. Exits 1 when any check fails.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
tf_root=terraform
start_seconds=$SECONDS

skip() {
  echo "SKIP terraform: $*"
  exit 0
}

# ------------------------------------------------------------ isolation ----
# The configuration-path test (step 6) needs PostgreSQL, Redis, HAProxy and the JAR: install or
# build what is missing while the network is still there.
if [[ -z "${CHECK_TERRAFORM_NETNS:-}" ]]; then
  scripts/config-path-test.sh --prepare || echo "config path test: --prepare failed (the test will say why)"
fi
# Re-run inside a fresh network namespace where only loopback exists.
if [[ -z "${CHECK_TERRAFORM_NETNS:-}" ]] && command -v unshare >/dev/null 2>&1 &&
  command -v ip >/dev/null 2>&1 && unshare --net true >/dev/null 2>&1; then
  export CHECK_TERRAFORM_NETNS=inner
  exec unshare --net -- bash "${BASH_SOURCE[0]}" "$@"
fi
if [[ "${CHECK_TERRAFORM_NETNS:-}" == inner ]] && ip link set lo up >/dev/null 2>&1; then
  isolation="private network namespace (loopback only)"
else
  isolation="no network namespace available: proxies point at 127.0.0.1:9"
fi

# ---------------------------------------------------------- prerequisites ----
command -v terraform >/dev/null 2>&1 || skip "terraform is not on PATH"
[[ -d "$tf_root" ]] || skip "no $tf_root/ directory"

provider_bin=${CHECK_TERRAFORM_PROVIDER:-}
if [[ -z "$provider_bin" ]]; then
  provider_bin=$(find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
    -type f -name 'terraform-provider-aws*' -path '*/registry.terraform.io/hashicorp/aws/*' \
    -print -quit 2>/dev/null || true)
fi
[[ -n "$provider_bin" ]] || skip "no hashicorp/aws provider mirror found (find / -name 'terraform-provider-aws*')"
mirror=${provider_bin%%/registry.terraform.io/*}
[[ -d "$mirror/registry.terraform.io/hashicorp/aws" ]] ||
  skip "provider found at $provider_bin but not in a filesystem-mirror layout"
command -v python3 >/dev/null 2>&1 || skip "python3 (needed by the policy checks) is not on PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/check-terraform.XXXXXX")
fake_pid=""
cleanup() {
  if [[ -n "$fake_pid" ]]; then
    kill "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
  fi
  if [[ -z "${CHECK_TERRAFORM_KEEP:-}" ]]; then
    rm -rf "$work"
  else
    echo "kept work directory: $work"
  fi
}
trap cleanup EXIT

cat >"$work/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
disable_checkpoint = true
EOF

export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export AWS_EC2_METADATA_DISABLED=true
# Never pick up real credentials; anything not on loopback hits a closed port.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
export AWS_ACCESS_KEY_ID=AKIAOFFLINECHECK0000 AWS_SECRET_ACCESS_KEY=offline-check-not-a-secret
export AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9
export http_proxy=$HTTP_PROXY https_proxy=$HTTPS_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

echo "terraform: $(terraform version | head -n 1); provider mirror: $mirror; $isolation"

# ---------------------------------------------------------------- helpers ----
passed=0
failed=0
mkdir -p "$work/logs"

pass() {
  echo "PASS $*"
  passed=$((passed + 1))
}

fail() {
  echo "FAIL $*"
  failed=$((failed + 1))
}

# step <check name> <command...>: run quietly, show the log tail on failure.
step() {
  local name=$1
  shift
  local log
  log="$work/logs/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').log"
  if "$@" >"$log" 2>&1; then
    pass "$name"
    return 0
  fi
  fail "$name"
  tail -n 40 "$log" | sed 's/^/    /'
  return 1
}

validate_clean() {
  terraform validate -json -no-color >validate.json || true
  python3 - validate.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for d in doc.get("diagnostics", []):
    where = d.get("range", {}).get("filename", "")
    print(f'{d["severity"]}: {d["summary"]} {where}: {d.get("detail", "")}')
sys.exit(0 if doc.get("valid") and doc.get("warning_count", 0) == 0 else 1)
PY
}

# -------------------------------------------------------------------- fmt ----
step "terraform fmt -check -recursive $tf_root" terraform fmt -check -recursive -diff "$tf_root" || true

# Work on a copy so that init/plan never write into the repository.
tree="$work/tree"
mkdir -p "$tree"
tar -C "$tf_root" --exclude=.terraform --exclude='*.tfstate*' --exclude=.terraform.lock.hcl \
  --exclude=.plans -cf - . | tar -C "$tree" -xf -

# ------------------------------------------------ init / validate / test ----
dirs=()
for d in "$tree"/modules/*/ "$tree"/envs/*/; do
  [[ -f "$d/main.tf" ]] && dirs+=("${d%/}")
done
if [[ ${#dirs[@]} -eq 0 ]]; then
  fail "terraform configurations found under $tf_root/modules and $tf_root/envs"
fi

for dir in "${dirs[@]}"; do
  rel=${dir#"$tree"/}
  (
    cd "$dir"
    step "terraform init $rel" terraform init -backend=false -input=false -no-color || exit 1
    step "terraform validate $rel" validate_clean || true
    if compgen -G "tests/*.tftest.hcl" >/dev/null; then
      step "terraform test $rel" terraform test -no-color || true
    fi
  ) >"$work/logs/dir.out" || true
  cat "$work/logs/dir.out"
  passed=$((passed + $(grep -c '^PASS ' "$work/logs/dir.out" || true)))
  failed=$((failed + $(grep -c '^FAIL ' "$work/logs/dir.out" || true)))
done

# ------------------------------------------------ offline plan + policy ----
start_fake_aws() {
  python3 "$tree/policy/fake_aws.py" "$work/fake.port" "$work/fake.log" &
  fake_pid=$!
  local _
  for _ in $(seq 1 50); do
    [[ -s "$work/fake.port" ]] && return 0
    sleep 0.1
  done
  return 1
}

plan_dir="$tf_root/.plans"
mkdir -p "$plan_dir"
if ! step "fake AWS endpoint on 127.0.0.1 for the offline plan" start_fake_aws; then
  endpoint=""
else
  endpoint="http://127.0.0.1:$(cat "$work/fake.port")"
fi

for env_dir in "$tree"/envs/*/; do
  env_dir=${env_dir%/}
  env=$(basename "$env_dir")
  [[ -f "$env_dir/main.tf" && -n "$endpoint" ]] || continue
  : >"$work/fake.log"
  # Override files merge into the copied configuration only: local state
  # instead of S3, fake keys, every used AWS API on the loopback stand-in.
  # The standby region's provider (envs with provider "aws" { alias = "standby" }) gets the
  # same offline settings: override blocks merge by name and alias.
  aliases=("")
  if grep -qsE '^[[:space:]]*alias[[:space:]]*=[[:space:]]*"standby"' "$env_dir"/*.tf; then
    aliases+=("standby")
  fi
  {
    cat <<EOF
terraform {
  backend "local" {
    path = "offline.tfstate"
  }
}
EOF
    for alias in "${aliases[@]}"; do
      cat <<EOF

provider "aws" {
$([[ -n "$alias" ]] && echo "  alias                       = \"$alias\"")
  access_key                  = "AKIAOFFLINECHECK0000"
  secret_key                  = "offline-check-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    autoscaling    = "$endpoint"
    cloudwatch     = "$endpoint"
    ec2            = "$endpoint"
    elasticache    = "$endpoint"
    elbv2          = "$endpoint"
    iam            = "$endpoint"
    kms            = "$endpoint"
    logs           = "$endpoint"
    rds            = "$endpoint"
    route53        = "$endpoint"
    s3             = "$endpoint"
    secretsmanager = "$endpoint"
    sns            = "$endpoint"
    ssm            = "$endpoint"
    sts            = "$endpoint"
    wafv2          = "$endpoint"
  }
}
EOF
    done
  } >"$env_dir/zz_offline_plan_override.tf"
  # What an operator keeps in the git-ignored account.auto.tfvars, and the AMI id that
  # scripts/release passes from the Packer manifest (never committed).
  cat >"$env_dir/zz_offline_plan.auto.tfvars" <<EOF
certificate_arn = "arn:aws:acm:eu-west-1:210987654321:certificate/3f6c1d2e-8a4b-4c5d-9e7f-0a1b2c3d4e5f"
alarm_emails    = ["oncall@example.org"]
ami_id          = "ami-0fa4e0ff1ce0ff1ce"
app_version     = "1.0.0"
EOF
  # An environment with a standby region: its certificate (ACM is regional), the DNS zone of the
  # failover records, and the AMI's copy in that region (scripts/release, from the manifest).
  if grep -qs 'variable "standby_region"' "$env_dir/variables.tf"; then
    standby_region=$(sed -n 's/^standby_region *= *"\([a-z0-9-]*\)".*/\1/p' "$env_dir/terraform.tfvars")
    cat >>"$env_dir/zz_offline_plan.auto.tfvars" <<EOF
standby_certificate_arn = "arn:aws:acm:${standby_region}:210987654321:certificate/4a7d2e3f-9b5c-4d6e-8f0a-1b2c3d4e5f60"
standby_ami_id          = "ami-0de5a1b2c3d4e5f60"
dns_zone_id             = "Z0OFFLINEPLAN00000001"
dns_record_name         = "api.conduit.example.org"
EOF
  fi
  plan_ok=true
  (
    cd "$env_dir"
    rm -rf .terraform
    terraform init -input=false -no-color -reconfigure &&
      terraform plan -input=false -no-color -lock=false -refresh=false -out=plan.bin &&
      terraform show -json plan.bin >plan.json
  ) >"$work/logs/plan-$env.log" 2>&1 || plan_ok=false
  if $plan_ok; then
    pass "terraform plan envs/$env (offline, $(grep -o 'Plan: [0-9]* to add' "$work/logs/plan-$env.log" || echo 'plan'))"
    cp "$env_dir/plan.json" "$plan_dir/$env.json"
  else
    fail "terraform plan envs/$env (offline)"
    tail -n 40 "$work/logs/plan-$env.log" | sed 's/^/    /'
  fi
  if grep -q '^UNSUPPORTED' "$work/fake.log"; then
    fail "offline plan envs/$env needs only the faked AWS APIs"
    sed 's/^/    /' "$work/fake.log"
  else
    pass "offline plan envs/$env needs only the faked AWS APIs ($(sort -u "$work/fake.log" | tr '\n' ' '))"
  fi
  if $plan_ok; then
    if python3 "$tree/policy/check_plan.py" --env "$env" "$env_dir/plan.json" >"$work/logs/policy-$env.log" 2>&1; then
      policy_rc=0
    else
      policy_rc=$?
    fi
    cat "$work/logs/policy-$env.log"
    passed=$((passed + $(grep -c '^PASS ' "$work/logs/policy-$env.log" || true)))
    failed=$((failed + $(grep -c '^FAIL ' "$work/logs/policy-$env.log" || true)))
    if [[ $policy_rc -ne 0 ]] && ! grep -q '^FAIL ' "$work/logs/policy-$env.log"; then
      fail "policy checks envs/$env ran"
    fi
    # Negative self-test: only meaningful when the unmutated plan passes.
    if [[ $policy_rc -eq 0 ]]; then
      if python3 "$tree/policy/mutate_plan.py" --env "$env" "$env_dir/plan.json" >"$work/logs/selftest-$env.log" 2>&1; then
        selftest_rc=0
      else
        selftest_rc=$?
      fi
      cat "$work/logs/selftest-$env.log"
      passed=$((passed + $(grep -c '^PASS ' "$work/logs/selftest-$env.log" || true)))
      failed=$((failed + $(grep -c '^FAIL ' "$work/logs/selftest-$env.log" || true)))
      if [[ $selftest_rc -ne 0 ]] && ! grep -q '^FAIL ' "$work/logs/selftest-$env.log"; then
        fail "policy self-test envs/$env ran"
      fi
    else
      echo "policy self-test envs/$env skipped: the unmutated plan fails the policy"
    fi
  fi
done

# ------------------------------------- configuration path, end to end ----
for env_dir in "$tree"/envs/*/; do
  env=$(basename "$env_dir")
  [[ -f "$env_dir/plan.json" ]] || continue # planned in this run
  plan="$plan_dir/$env.json"
  if scripts/config-path-test.sh "$plan" >"$work/logs/config-path-$env.log" 2>&1; then
    config_rc=0
  else
    config_rc=$?
  fi
  grep -E '^(PASS|FAIL) ' "$work/logs/config-path-$env.log" || true
  passed=$((passed + $(grep -c '^PASS ' "$work/logs/config-path-$env.log" || true)))
  failed=$((failed + $(grep -c '^FAIL ' "$work/logs/config-path-$env.log" || true)))
  if [[ $config_rc -ne 0 ]] && ! grep -q '^FAIL ' "$work/logs/config-path-$env.log"; then
    fail "configuration path envs/$env ran"
    tail -n 30 "$work/logs/config-path-$env.log" | sed 's/^/    /'
  fi
done
# ------------------------------------------------------ release tooling ----
# scripts/release (deploy / rollback / apply) against fakes of terraform and aws.
if python3 "$repo_root/terraform/policy/test_release.py" >"$work/logs/release.log" 2>&1; then
  release_rc=0
else
  release_rc=$?
fi
grep -E '^(PASS|FAIL) ' "$work/logs/release.log" || true
grep -E '^    ' "$work/logs/release.log" | head -n 40 || true
passed=$((passed + $(grep -c '^PASS ' "$work/logs/release.log" || true)))
failed=$((failed + $(grep -c '^FAIL ' "$work/logs/release.log" || true)))
if [[ $release_rc -ne 0 ]] && ! grep -q '^FAIL ' "$work/logs/release.log"; then
  fail "release tooling test ran"
  tail -n 20 "$work/logs/release.log" | sed 's/^/    /'
fi
# ------------------------------------------------------- region tooling ----
# scripts/region (failover / failback / fence / status) against fakes of terraform and aws; the
# layout it reads is checked against production's planned output region_failover.
if python3 "$repo_root/terraform/policy/test_region.py" "$plan_dir/production.json" >"$work/logs/region.log" 2>&1; then
  region_rc=0
else
  region_rc=$?
fi
grep -E '^(PASS|FAIL) ' "$work/logs/region.log" || true
passed=$((passed + $(grep -c '^PASS ' "$work/logs/region.log" || true)))
failed=$((failed + $(grep -c '^FAIL ' "$work/logs/region.log" || true)))
if [[ $region_rc -ne 0 ]] && ! grep -q '^FAIL ' "$work/logs/region.log"; then
  fail "region tooling test ran"
  tail -n 20 "$work/logs/region.log" | sed 's/^/    /'
fi

elapsed=$((SECONDS - start_seconds))
echo "terraform checks: $passed passed, $failed failed in ${elapsed}s (plan JSON in $plan_dir/)"
[[ $failed -eq 0 ]]
