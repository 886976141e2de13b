#!/usr/bin/env bash
# Installs the Debian packages (if missing) and builds everything into build/.
# Two jobs: a gRPC build needs ~1.5 GB per compiler process; CT_JOBS overrides.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCT_WERROR=ON >/dev/null
cmake --build "$ROOT/build" -j "${CT_JOBS:-2}"
