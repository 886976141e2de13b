#!/usr/bin/env bash
# Measures client-profile on this machine: starts a throwaway MariaDB + Redis and one
# client-profile, runs build/bench/profile-bench against it, prints the figures and the machine
# they were taken on, and stops everything again.
#
#   bench/run-profile-bench.sh [profile-bench flags, e.g. --seconds=30 --in-flight=128]
#
# Expects an existing build in build/ (scripts/build.sh); it does not build.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
. scripts/lib.sh

SERVICE_BIN=build/services/client-profile/client-profile
BENCH_BIN=build/bench/profile-bench
for bin in "$SERVICE_BIN" "$BENCH_BIN"; do
  [[ -x $bin ]] || die "$bin not found; build first (scripts/build.sh)"
done

WORK=$(mktemp -d /tmp/ct-bench.XXXXXX)
SERVICE_PID=
# shellcheck disable=SC2317  # only ever called by the EXIT trap
cleanup() {
  local rc=$? i
  if [[ -n $SERVICE_PID ]]; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    # Graceful stop drains first; a stuck server must not hold the script forever.
    for ((i = 0; i < 60; i++)); do
      kill -0 "$SERVICE_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  scripts/stack.sh stop "$WORK/stack" || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
# Without these, an interrupted run would leave MariaDB, Redis and the service behind.
trap 'exit 130' INT
trap 'exit 143' TERM

scripts/stack.sh start "$WORK/stack" >/dev/null
set -a
# shellcheck disable=SC1091
. "$WORK/stack/stack.env"
set +a

KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s bench-tenant writer\n' "$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" \
  >"$WORK/api-keys"

# The service cannot report a port it chose itself (--grpc-address=...:0), so pick one here.
PORT=$(pick_port)
METRICS_PORT=$(pick_port)
log "starting client-profile on 127.0.0.1:$PORT (log: $WORK/client-profile.log)"
"$SERVICE_BIN" \
  --grpc-address="127.0.0.1:$PORT" --metrics-port="$METRICS_PORT" --api-keys-file="$WORK/api-keys" \
  --mysql-host="$CT_MYSQL_HOST" --mysql-port="$CT_MYSQL_PORT" --mysql-user="$CT_MYSQL_USER" \
  --mysql-password="$CT_MYSQL_PASSWORD" --mysql-database=ct_profile_bench \
  --redis-host="$CT_REDIS_HOST" --redis-port="$CT_REDIS_PORT" \
  >"$WORK/client-profile.log" 2>&1 &
SERVICE_PID=$!

# Bounded wait for the gRPC port; gives up at once if the service died (bad flags, no MySQL).
wait_listening() {
  local i
  for ((i = 0; i < 60; i++)); do
    kill -0 "$SERVICE_PID" 2>/dev/null || return 1
    [[ -n $(ss -Hltn "( sport = :$PORT )") ]] && return 0
    sleep 0.5
  done
  return 1
}
if ! wait_listening; then
  tail -n 50 "$WORK/client-profile.log" >&2 || true
  die "client-profile is not listening on 127.0.0.1:$PORT (it exited, or 30s passed)"
fi

rc=0
"$BENCH_BIN" --target="127.0.0.1:$PORT" --api-key="$KEY" "$@" || rc=$?

# Where the reads were served from, as the service counted them.
printf '\nservice cache counters:\n'
curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null |
  grep -E '^ct_(cache|near_cache)_[a-z_]+(\{[^}]*\})? ' || printf '  (metrics unavailable)\n'

printf '\nnproc: %s\n' "$(nproc)"
grep -m1 'model name' /proc/cpuinfo || printf 'model name\t: unknown\n'
exit "$rc"
