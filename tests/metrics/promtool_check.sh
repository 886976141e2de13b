#!/usr/bin/env bash
# Lints what every service exposes on /metrics with Prometheus' own `promtool check metrics`
# (base units such as _seconds, counters ending in _total, help on every family), after a few
# RPCs so the per-RPC families exist too, and checks that ct_build_info is there. Runs under
# ctest against the stack of scripts/test.sh (its stack.env is in the environment).
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
. "$ROOT/scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../../scripts/services.sh
. "$ROOT/scripts/services.sh"

command -v promtool >/dev/null || die "promtool is missing (scripts/install-deps.sh installs it)"
WORK=$(mktemp -d /tmp/clienttier-promtool.XXXXXX)
trap 'ct_stop_all_services; rm -rf "$WORK"' EXIT
CT_SERVICE_LOG_DIR=$WORK
CT_KEYS_FILE=$WORK/api-keys
read -r WRITER_KEY _ < <(ct_make_keys promtool-tenant)
SUFFIX=$$_$RANDOM
TIERCTL=$ROOT/build/tools/tierctl

ct_start_service client-profile "ct_promtool_profile_$SUFFIX"
ct_start_service scoring "ct_promtool_scoring_$SUFFIX"
ct_start_service referral "ct_promtool_referral_$SUFFIX"
ct_start_service campaign "ct_promtool_campaign_$SUFFIX" \
  --scoring-address="127.0.0.1:${CT_GRPC_PORTS[scoring]}" \
  --profile-address="127.0.0.1:${CT_GRPC_PORTS[client-profile]}"

# One RPC each (a NOT_FOUND is as good as an OK for having the per-RPC series).
"$TIERCTL" --api-key="$WRITER_KEY" --profile-address="127.0.0.1:${CT_GRPC_PORTS[client-profile]}" \
  profile create-client --client.client-id=c-1 >/dev/null
"$TIERCTL" --api-key="$WRITER_KEY" --scoring-address="127.0.0.1:${CT_GRPC_PORTS[scoring]}" \
  scoring get-score --client-id=c-1 >/dev/null 2>&1 || true
"$TIERCTL" --api-key="$WRITER_KEY" --referral-address="127.0.0.1:${CT_GRPC_PORTS[referral]}" \
  referral get-referral-stats >/dev/null 2>&1 || true
"$TIERCTL" --api-key="$WRITER_KEY" --campaign-address="127.0.0.1:${CT_GRPC_PORTS[campaign]}" \
  campaign list-campaigns >/dev/null 2>&1 || true

failed=0
for name in client-profile scoring referral campaign; do
  scrape=$WORK/$name.prom
  curl -fsS "http://127.0.0.1:${CT_METRICS_PORTS[$name]}/metrics" >"$scrape"
  if ! problems=$(promtool check metrics <"$scrape" 2>&1); then
    log "$name: promtool check metrics failed:"
    printf '%s\n' "$problems" >&2
    failed=1
  fi
  for family in ct_build_info ct_rpc_duration_seconds_bucket ct_rpc_total; do
    if ! grep -q "^$family{" "$scrape"; then
      log "$name: no $family series"
      failed=1
    fi
  done
  log "$name: $(grep -c '^# TYPE' "$scrape") metric families checked"
done
exit "$failed"
