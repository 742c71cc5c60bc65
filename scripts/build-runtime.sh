#!/usr/bin/env bash
# Builds the Java runtime of the Conduit AMI: a jlink image with the modules conduit.jar needs,
# made from the JDK 25 on this machine (found like scripts/dev and scripts/test do), so nothing
# is downloaded on the instance.
#
#   scripts/build-runtime.sh OUTPUT_DIR [JAR]
#
# JAR defaults to app/target/conduit.jar. OUTPUT_DIR is replaced. The runtime is checked before
# it is kept: `OUTPUT_DIR/bin/java -jar JAR` with no configuration must exit 1 with the app's
# "missing variable" message, which proves that Logback, Jetty and Jackson load.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  echo "usage: $0 OUTPUT_DIR [JAR]" >&2
  exit 2
}

[[ $# -ge 1 && $# -le 2 ]] || usage
out=$1
jar=${2:-$repo/app/target/conduit.jar}
[[ -f "$jar" ]] || { echo "error: $jar not found (build it with scripts/test or ./mvnw package)" >&2; exit 1; }
if [[ -e "$out" && ! -f "$out/release" && -n "$(ls -A "$out" 2>/dev/null)" ]]; then
  echo "error: $out exists and is not a Java runtime; refusing to replace it" >&2
  exit 1
fi

# shellcheck source=scripts/lib/jdk.sh
source "$repo/scripts/lib/jdk.sh"
conduit_select_jdk

# Modules jdeps cannot see (loaded reflectively or through service loaders): sun.misc.Unsafe
# users, JMX and the platform MXBeans behind the jvm_* / process_* metrics, JNDI, JDBC, the
# HTTP client, the zip file system (resources scanned inside the JAR).
extra_modules=(jdk.unsupported java.management jdk.management java.naming java.sql java.net.http jdk.zipfs)
# Deprecated and empty since JDK 22 (its code moved to java.base); kept when the JDK still has it.
if "$JAVA_HOME/bin/java" --list-modules | grep '^jdk\.crypto\.ec@' >/dev/null; then
  extra_modules+=(jdk.crypto.ec)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The shaded JAR is a multi-release JAR whose versioned classes jdeps cannot load together
# (duplicate shaded classes), so analyse the base classes and each version directory apart.
mkdir -p "$work/classes"
(cd "$work/classes" && "$JAVA_HOME/bin/jar" --extract --file "$jar" META-INF/versions)
{
  "$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release base "$jar"
  if [[ -d "$work/classes/META-INF/versions" ]]; then
    for version_dir in "$work/classes/META-INF/versions"/*/; do
      "$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps "$version_dir"
    done
  fi
} | tr ',' '\n' >"$work/modules"
printf '%s\n' "${extra_modules[@]}" >>"$work/modules"
modules=$(grep -v '^$' "$work/modules" | sort -u | paste -sd, -)
echo "jlink modules: $modules"

rm -rf "$work/runtime"
"$JAVA_HOME/bin/jlink" \
  --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --output "$work/runtime"

# Smoke test: no configuration → exit 1 and the message naming the missing variables.
set +e
output=$(env -i PATH=/usr/bin:/bin "$work/runtime/bin/java" -jar "$jar" 2>&1)
status=$?
set -e
if [[ $status -ne 1 || "$output" != *"CONDUIT_DB_URL is missing"* ]]; then
  echo "error: the runtime failed its smoke test (exit $status, expected 1 and the missing-variable message):" >&2
  echo "$output" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$work/runtime" "$out"
echo "runtime: $out ($(du -sh "$out" | cut -f1), $("$out/bin/java" -version 2>&1 | head -n 1))"
