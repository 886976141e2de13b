#!/usr/bin/env bash
# Formats every tracked C++ file with the repository's .clang-format (clang-format 14, Debian 12).
#   scripts/format.sh           rewrite the files in place
#   scripts/format.sh --check   change nothing; list the files that differ and exit 1 if any do
# scripts/test.sh runs the check first, so unformatted code fails the test command.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$ROOT/scripts/lib.sh"
command -v clang-format >/dev/null 2>&1 || "$ROOT/scripts/install-deps.sh"
cd "$ROOT"
mapfile -t files < <(git ls-files '*.cc' '*.h')
if [[ ${1:-} == --check ]]; then
  differ=()
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || differ+=("$f")
  done
  if ((${#differ[@]} > 0)); then
    log "not formatted (run scripts/format.sh): ${differ[*]}"
    exit 1
  fi
  log "all ${#files[@]} C++ files formatted"
else
  clang-format -i "${files[@]}"
fi
