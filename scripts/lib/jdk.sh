#!/usr/bin/env bash
# Sourced by the project's scripts: points JAVA_HOME at a JDK 25 or newer, so that nobody has
# to export anything. Order: JAVA_HOME if it is already 25+, then `java` on the PATH, then the
# JDKs installed side by side under /usr/lib/jvm (Debian, Temurin) or /opt.

conduit_java_major() {
  # Prints the feature version (17, 25, ...) of the java binary given as $1.
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

conduit_select_jdk() {
  local wanted=25 candidate major
  local -a candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/*jdk*; do
    [[ -d "$candidate" ]] && candidates+=("$candidate")
  done
  for candidate in "${candidates[@]}"; do
    [[ -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
    major=$(conduit_java_major "$candidate/bin/java")
    if [[ -n "$major" && "$major" -ge "$wanted" ]]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: Conduit needs a JDK $wanted or newer; none found in JAVA_HOME, on the PATH or under /usr/lib/jvm." >&2
  return 1
}
