# shellcheck shell=bash disable=SC2154 # the variables and functions come from run.sh, which sources this
# Sourced by scripts/bench/run.sh --startup (docs/benchmark.md, "Start-up"), once PostgreSQL is
# migrated and seeded and Redis runs: start -> ready of conduit.jar in production mode, measured
# BENCH_STARTS times per variant, each start from launch to the first 200 of GET /health/ready
# (polled every 10 ms), next to the JVM's own uptime at its "Conduit started" log line.
# Variants: the JVM's defaults (plus BENCH_JAVA_OPTS), then an AOT cache (JDK 25, JEP 483/514/515)
# written as the image build writes it: `java -XX:AOTCacheOutput=... -jar conduit.jar train`.
starts=${BENCH_STARTS:-10}
[[ "$starts" =~ ^[1-9][0-9]*$ ]] || die "BENCH_STARTS must be a positive number (got '$starts')"

startup_rows=()
measure_starts() { # variant jvm-options...
  local variant=$1 i t0 wall=() jvm=()
  shift
  log "start -> ready, $starts times: $variant"
  for i in $(seq 1 "$starts"); do
    t0=$(date +%s%N)
    launch_app "start-$variant-$i" "$@"
    wait_ready 0.01
    wall+=("$(( ($(date +%s%N) - t0) / 1000000 ))")
    # the start-up line follows readiness by a few milliseconds
    for _ in $(seq 1 300); do grep -q '"startMillis"' "$app_log" && break; sleep 0.01; done
    jvm+=("$(grep -o '"startMillis":[0-9]*' "$app_log" | head -n 1 | cut -d: -f2 || true)")
    stop_app
  done
  startup_rows+=("$(printf '%s\n' "${wall[@]}" | sort -n | awk -v v="$variant" '{ a[NR] = $1 }
    END { printf "| %s | %d | %d | %d |", v, a[1], a[int((NR + 1) / 2)], a[NR] }') $(printf '%s\n' "${jvm[@]}" |
    sort -n | awk '{ a[NR] = $1 } END { printf "%d / %d / %d |", a[1], a[int((NR + 1) / 2)], a[NR] }')")
}

measure_starts "JVM defaults${java_opts:+ + $java_opts}"

aot="$work/conduit.aot"
train_aot_cache "$aot"
measure_starts "AOT cache${java_opts:+ + $java_opts}" "-XX:AOTCache=$aot"

{
  echo "## Conduit start-up — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "| variant | min ms | median ms | max ms | JVM uptime at \"Conduit started\", min / median / max ms |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${startup_rows[@]}"
  echo
  echo "- From launch (\`java ... -jar conduit.jar\`, production mode) to the first 200 of \`GET /health/ready\`,"
  echo "  polled every 10 ms; $starts starts per variant against the migrated database of $users users and"
  echo "  $articles articles; AOT cache $(du -h "$aot" | cut -f1) from one training run"
  echo "- Command: \`$given_command\`"
  echo "- Machine: \`nproc\` = $(nproc), $("$java_bin" -version 2>&1 | head -n 1)"
} | tee "$results/startup.md"
