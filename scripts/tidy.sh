#!/usr/bin/env bash
# Runs clang-tidy with the root .clang-tidy over the given files (default: every .cc under
# common/ and services/), using build/compile_commands.json. Slow (minutes on two cores), so it is
# not part of scripts/test.sh; run it on what you changed.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
[[ -f build/compile_commands.json ]] || { echo "tidy.sh: build first (scripts/build.sh)" >&2; exit 1; }
if (($# == 0)); then
  mapfile -t files < <(git ls-files 'common/*.cc' 'services/*.cc')
else
  files=("$@")
fi
clang-tidy -p build --quiet "${files[@]}"
