#!/usr/bin/env bash
# The `ternary` launcher rebuilds the CLI when a source is newer than its jar, and only then: after a change in a
# module the CLI depends on, the first run rebuilds and the next one must not (Maven can leave the CLI jar's time
# alone when only a dependency changed, and the launcher has to account for it).
set -euo pipefail
cd "$(dirname "$0")/.."

./ternary --version > /dev/null 2>&1 # built and current
touch infer/src/main/java/dev/ternary/infer/generate/Generator.java
first="$(./ternary --version 2>&1 >/dev/null)"
second="$(./ternary --version 2>&1 >/dev/null)"
if ! grep -q "building the CLI" <<< "$first"; then
  echo "check-launcher: a changed infer source did not trigger a rebuild" >&2
  exit 1
fi
if grep -q "building the CLI" <<< "$second"; then
  echo "check-launcher: the launcher rebuilt again although nothing changed since the last build" >&2
  exit 1
fi
echo "check-launcher: rebuilds once after a change, then runs the built CLI"
