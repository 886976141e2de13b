#!/usr/bin/env bash
# Runs the suite locally and shows it working: installs what is missing, builds, starts a
# throwaway MariaDB + Redis, starts client-profile, runs the demo client against it (every RPC,
# retries, a stale update, an invalid request, erasure, export), shows its metrics, stops all.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$ROOT/scripts/lib.sh"
"$ROOT/scripts/build.sh"

WORK=$(mktemp -d /tmp/clienttier-run.XXXXXX)
SERVICE_PID=
cleanup() {
  if [[ -n $SERVICE_PID ]]; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  "$ROOT/scripts/stack.sh" stop "$WORK/stack" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ROOT/scripts/stack.sh" start "$WORK/stack" >/dev/null
set -a
# shellcheck disable=SC1091
. "$WORK/stack/stack.env"
set +a

# Fresh random keys for this run; only their SHA-256 goes to the service.
new_key() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
hash_key() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
WRITER_KEY=$(new_key)
ADMIN_KEY=$(new_key)
printf '%s demo-tenant writer\n%s demo-tenant admin\n' \
  "$(hash_key "$WRITER_KEY")" "$(hash_key "$ADMIN_KEY")" >"$WORK/api-keys"

GRPC_PORT=$(pick_port)
METRICS_PORT=$(pick_port)
log "starting client-profile on 127.0.0.1:$GRPC_PORT (metrics :$METRICS_PORT)"
"$ROOT/build/services/client-profile/client-profile" \
  --grpc-address="127.0.0.1:$GRPC_PORT" --metrics-host=127.0.0.1 --metrics-port="$METRICS_PORT" \
  --api-keys-file="$WORK/api-keys" --mysql-database=ct_profile_demo --drain-ms=200 \
  2>"$WORK/client-profile.log" &
SERVICE_PID=$!
ready() { [[ -n $(ss -Hltn "( sport = :$GRPC_PORT )") ]]; }
wait_until 30 ready || { cat "$WORK/client-profile.log" >&2; die "client-profile did not start"; }

"$ROOT/build/tools/profile-demo" --target="127.0.0.1:$GRPC_PORT" \
  --api-key="$WRITER_KEY" --admin-api-key="$ADMIN_KEY"

log "a few of client-profile's metrics (http://127.0.0.1:$METRICS_PORT/metrics):"
exec 3<>"/dev/tcp/127.0.0.1/$METRICS_PORT"
printf 'GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
grep -E '^ct_(rpc_total|cache_|outbox_published)' <&3 | head -n 20 || true
exec 3>&-

kill -TERM "$SERVICE_PID"
wait "$SERVICE_PID" && log "client-profile drained and stopped cleanly"
SERVICE_PID=
