#!/usr/bin/env bash
# Runs the suite locally and shows it working: installs what is missing, builds, starts a
# throwaway MariaDB + Redis, starts client-profile, referral, scoring and campaign, runs the demo clients
# against them (profile-demo: every profile RPC, retries, a stale update, an invalid request,
# erasure, export; referral-demo: a code, registrations, a refused self-referral, conversions
# through the event stream, the rewards ledger, stats and propagation; scoring-demo: a
# 400-client tenant scored through the event stream, CLV fit, batch rescore, tier distribution,
# an explained score, an override; campaign-demo: a segment, a simulated and launched campaign
# with consent, caps and a holdout, outcomes, the uplift report, next best actions), shows
# metrics, stops all.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$ROOT/scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=services.sh
. "$ROOT/scripts/services.sh"
"$ROOT/scripts/build.sh"

WORK=$(mktemp -d /tmp/clienttier-run.XXXXXX)
cleanup() {
  ct_stop_all_services
  "$ROOT/scripts/stack.sh" stop "$WORK/stack" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$ROOT/scripts/stack.sh" start "$WORK/stack" >/dev/null
set -a
# shellcheck disable=SC1091
. "$WORK/stack/stack.env"
set +a
CT_SERVICE_LOG_DIR=$WORK
CT_KEYS_FILE=$WORK/api-keys
read -r WRITER_KEY ADMIN_KEY SERVICE_KEY < <(ct_make_keys demo-tenant)
# The demo counselling centre has a tenant of its own, so its figures are its own.
read -r CENTRE_WRITER_KEY CENTRE_ADMIN_KEY _ < <(ct_make_keys counselling-centre)

ct_start_service client-profile ct_profile_demo
ct_start_service referral ct_referral_demo
PROFILE=127.0.0.1:${CT_GRPC_PORTS[client-profile]}
REFERRAL=127.0.0.1:${CT_GRPC_PORTS[referral]}
ct_start_service scoring ct_scoring_demo --referral-address="$REFERRAL" \
  --referral-api-key="$SERVICE_KEY"
SCORING=127.0.0.1:${CT_GRPC_PORTS[scoring]}
ct_start_service campaign ct_campaign_demo --scoring-address="$SCORING" \
  --profile-address="$PROFILE" --service-api-key="$SERVICE_KEY"
CAMPAIGN=127.0.0.1:${CT_GRPC_PORTS[campaign]}

"$ROOT/build/tools/profile-demo" --target="$PROFILE" --api-key="$WRITER_KEY" \
  --admin-api-key="$ADMIN_KEY"
"$ROOT/build/tools/referral-demo" --profile="$PROFILE" --referral="$REFERRAL" \
  --api-key="$WRITER_KEY"
"$ROOT/build/tools/scoring-demo" --profile="$PROFILE" --scoring="$SCORING" \
  --api-key="$WRITER_KEY" --admin-api-key="$ADMIN_KEY"
"$ROOT/build/tools/campaign-demo" --profile="$PROFILE" --scoring="$SCORING" \
  --campaign="$CAMPAIGN" --api-key="$WRITER_KEY" --admin-api-key="$ADMIN_KEY"
"$ROOT/build/tools/demo-tenant" --profile="$PROFILE" --scoring="$SCORING" \
  --campaign="$CAMPAIGN" --referral="$REFERRAL" --api-key="$CENTRE_WRITER_KEY" \
  --admin-api-key="$CENTRE_ADMIN_KEY" --clients="${CT_DEMO_CLIENTS:-20000}"

ct_show_metrics client-profile '^ct_(rpc_total|cache_|outbox_published)'
ct_show_metrics referral '^ct_(referral_events|outbox_published)'
ct_show_metrics scoring '^ct_(scoring_events|scoring_propagation|outbox_published|cache_(hits|misses))'
ct_show_metrics campaign '^ct_campaign_'

ct_stop_service campaign
ct_stop_service scoring
ct_stop_service referral
ct_stop_service client-profile
