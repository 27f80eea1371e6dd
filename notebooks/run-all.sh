#!/usr/bin/env bash
# Executes every notebook headless on the "ternary-java" kernel (register it first with install-kernel.sh) and
# fails on the first cell error. Executed copies go to notebooks/target/executed; with --in-place the notebooks
# themselves are rewritten with their outputs (how the committed outputs are refreshed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jupyter=/usr/bin/jupyter
[[ -x "$jupyter" ]] || jupyter="$(command -v jupyter || true)"
if [[ -z "$jupyter" ]]; then
  echo "run-all: error: jupyter not found; install it, e.g. apt-get install jupyter jupyter-nbconvert python3-ipykernel" >&2
  exit 1
fi
if [[ "${1:-}" == "--in-place" ]]; then
  where=(--inplace)
else
  mkdir -p "$here/target/executed"
  where=(--output-dir "$here/target/executed")
fi
cd "$here"
for nb in [0-9][0-9]-*.ipynb; do
  echo "run-all: executing $nb" >&2
  run() {
    "$jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=ternary-java \
      --ExecutePreprocessor.startup_timeout=90 --ExecutePreprocessor.timeout=1800 "${where[@]}" "$nb" \
      > "$here/target/nbconvert.log" 2>&1
  }
  mkdir -p "$here/target"
  # One retry when the kernel never came up (the known cause, a start-up race, is removed by KernelLauncher and
  # guarded by check-kernel-start.py), none for cell errors.
  if ! run; then
    if grep -q "CellExecutionError" "$here/target/nbconvert.log"; then
      grep -A30 "CellExecutionError" "$here/target/nbconvert.log" | sed 's/\x1b\[[0-9;]*m//g' >&2
      echo "run-all: error: a cell of $nb failed (log: notebooks/target/nbconvert.log)" >&2
      exit 1
    fi
    echo "run-all: kernel did not start for $nb; retrying once" >&2
    run || { tail -30 "$here/target/nbconvert.log" >&2; echo "run-all: error: $nb failed" >&2; exit 1; }
  fi
done
echo "run-all: all notebooks executed without errors" >&2
