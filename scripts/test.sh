#!/usr/bin/env bash
# Runs every test: checks the C++ formatting (scripts/format.sh --check) and the Kubernetes
# manifests (scripts/k8s-check.sh), installs what is missing, builds, starts a throwaway MariaDB + Redis on
# free loopback ports, runs the unit and integration tests against them, stops them.
# Extra arguments go to ctest (e.g. scripts/test.sh -L unit).
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# Formatting and the Kubernetes manifests first: rendered and validated offline, no build or stack needed.
"$ROOT/scripts/format.sh" --check
"$ROOT/scripts/k8s-check.sh"
"$ROOT/scripts/build.sh"

STACK_DIR=$(mktemp -d /tmp/clienttier-test.XXXXXX)
cleanup() {
  "$ROOT/scripts/stack.sh" stop "$STACK_DIR" || true
  rm -rf "$STACK_DIR"
}
trap cleanup EXIT
"$ROOT/scripts/stack.sh" start "$STACK_DIR" >/dev/null
set -a
# shellcheck disable=SC1091
. "$STACK_DIR/stack.env"
set +a

cd "$ROOT/build"
ctest --output-on-failure --timeout 300 "$@"
