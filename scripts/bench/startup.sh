# shellcheck shell=bash disable=SC2154 # the variables and functions come from run.sh, which sources this
# Sourced by scripts/bench/run.sh --startup (docs/benchmark.md, "Start-up"), once PostgreSQL is
# migrated and seeded and Redis runs: start -> ready of conduit.jar in production mode, measured
# BENCH_STARTS times per variant, each start from launch to the first 200 of GET /health/ready
# (polled every 10 ms), next to the JVM's own uptime at its "Conduit started" log line.
# Variants: the JVM's defaults (plus BENCH_JAVA_OPTS), then an AOT cache (JDK 25, JEP 483/514/515)
# written by one training run that serves some of every endpoint.
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

train() { # a little of every endpoint, reads and writes, as the AOT training workload
  local n token slug body
  n=$(date +%s%N)
  body="{\"user\":{\"username\":\"aot$n\",\"email\":\"aot$n@bench.test\",\"password\":\"$password\"}}"
  curl -s -o /dev/null -X POST "$api/api/users" -H 'Content-Type: application/json' -d "$body"
  token=$(curl -s -X POST "$api/api/users/login" -H 'Content-Type: application/json' \
    -d "{\"user\":{\"email\":\"aot$n@bench.test\",\"password\":\"$password\"}}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  slug=$(psql_su -d conduit -Atc "select slug from articles.article order by id limit 1")
  for _ in $(seq 1 50); do
    curl -s -o /dev/null "$api/api/articles?limit=20"
    curl -s -o /dev/null "$api/api/articles?limit=20" -H "Authorization: Token $token"
    curl -s -o /dev/null "$api/api/articles/$slug" -H "Authorization: Token $token"
    curl -s -o /dev/null "$api/api/articles/$slug/comments"
    curl -s -o /dev/null "$api/api/articles/feed" -H "Authorization: Token $token"
    curl -s -o /dev/null "$api/api/tags"
    curl -s -o /dev/null "$api/api/user" -H "Authorization: Token $token"
    curl -s -o /dev/null "$api/api/profiles/user_0001"
  done
  curl -s -o /dev/null -X POST "$api/api/articles/$slug/favorite" -H "Authorization: Token $token"
  curl -s -o /dev/null -X POST "$api/api/articles/$slug/comments" -H "Authorization: Token $token" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: aot-$n" -d '{"comment":{"body":"AOT training"}}'
  curl -s -o /dev/null -X POST "$api/api/articles" -H "Authorization: Token $token" \
    -H 'Content-Type: application/json' -d "{\"article\":{\"title\":\"AOT $n\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\"aot\"]}}"
  curl -s -o /dev/null -X PUT "$api/api/user" -H "Authorization: Token $token" \
    -H 'Content-Type: application/json' -d '{"user":{"bio":"trained"}}'
  curl -s -o /dev/null -X GET "$api/api/articles/no-such-slug"
  curl -s -o /dev/null -X DELETE "$api/api/user/session" -H "Authorization: Token $token"
}

measure_starts "JVM defaults${java_opts:+ + $java_opts}"

aot="$work/conduit.aot"
log "AOT training run (-XX:AOTCacheOutput): some of every endpoint, then a normal stop"
launch_app aot-training "-XX:AOTCacheOutput=$aot"
wait_ready 0.25
train
stop_app
[[ -s "$aot" ]] || { tail -n 20 "$work/app-aot-training.log" >&2; die "the training run wrote no AOT cache"; }
log "AOT cache: $(du -h "$aot" | cut -f1)"
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
