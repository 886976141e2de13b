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
#
#   scripts/run.sh          the above, then stops everything
#   scripts/run.sh --keep   leaves the stack and the services running after the demos (in
#                           $CT_KEEP_DIR, default /tmp/clienttier-kept) and prints their addresses,
#                           an admin key and how to call them
#   scripts/run.sh --stop   stops a kept suite
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$ROOT/scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=services.sh
. "$ROOT/scripts/services.sh"

KEEP=false
KEEP_DIR=${CT_KEEP_DIR:-/tmp/clienttier-kept}
case "${1:-}" in
  --keep) KEEP=true ;;
  --stop)
    [[ -f $KEEP_DIR/pids ]] || die "no kept suite in $KEEP_DIR (start one with scripts/run.sh --keep)"
    while read -r name pid; do
      kill -TERM "$pid" 2>/dev/null || continue
      for ((i = 0; i < 120; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
      done
      kill -KILL "$pid" 2>/dev/null || true
      log "stopped $name (pid $pid)"
    done <"$KEEP_DIR/pids"
    "$ROOT/scripts/stack.sh" stop "$KEEP_DIR/stack" || true
    rm -rf "$KEEP_DIR"
    log "the kept suite is stopped and $KEEP_DIR removed"
    exit 0
    ;;
  "") ;;
  *) die "usage: scripts/run.sh [--keep | --stop]" ;;
esac

"$ROOT/scripts/build.sh"

if $KEEP; then
  [[ ! -e $KEEP_DIR ]] || die "$KEEP_DIR exists: a suite is kept already (scripts/run.sh --stop)"
  mkdir -p "$KEEP_DIR"
  WORK=$KEEP_DIR
else
  WORK=$(mktemp -d /tmp/clienttier-run.XXXXXX)
fi
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
ct_start_gateway --profile-address="$PROFILE" --scoring-address="$SCORING" \
  --campaign-address="$CAMPAIGN" --referral-address="$REFERRAL"
GATEWAY=http://127.0.0.1:$CT_HTTP_PORT

"$ROOT/build/tools/profile-demo" --target="$PROFILE" --api-key="$WRITER_KEY" \
  --admin-api-key="$ADMIN_KEY"
"$ROOT/build/tools/referral-demo" --profile="$PROFILE" --referral="$REFERRAL" \
  --api-key="$WRITER_KEY"
"$ROOT/build/tools/scoring-demo" --profile="$PROFILE" --scoring="$SCORING" \
  --api-key="$WRITER_KEY" --admin-api-key="$ADMIN_KEY"
"$ROOT/build/tools/campaign-demo" --profile="$PROFILE" --scoring="$SCORING" \
  --campaign="$CAMPAIGN" --api-key="$WRITER_KEY" --admin-api-key="$ADMIN_KEY"
# Each step prints its wall clock (the load step its parts too); the total follows. At a
# million clients (CT_DEMO_CLIENTS=1000000) bench/demo-1m gives the same figures as a table.
demo_started=$SECONDS
"$ROOT/build/tools/demo-tenant" --profile="$PROFILE" --scoring="$SCORING" \
  --campaign="$CAMPAIGN" --referral="$REFERRAL" --api-key="$CENTRE_WRITER_KEY" \
  --admin-api-key="$CENTRE_ADMIN_KEY" --clients="${CT_DEMO_CLIENTS:-20000}"
log "the demo tenant (${CT_DEMO_CLIENTS:-20000} clients) took $((SECONDS - demo_started)) s in all"

# The same tenant over HTTP/JSON (the gateway, Connect protocol), as a BI tool would call it.
log "the centre's tier distribution over HTTP ($GATEWAY, the Connect protocol's JSON):"
curl -fsS "$GATEWAY/clienttier.scoring.v1.ScoringService/GetTierDistribution" \
  -H 'Content-Type: application/json' -H "x-api-key: $CENTRE_WRITER_KEY" -d '{}' | head -c 600
echo
log "OpenAPI: $(curl -fsS "$GATEWAY/openapi.json" | grep -o '"/clienttier[^"]*"' | wc -l) RPCs at $GATEWAY/openapi.json"

ct_show_metrics client-profile '^ct_(rpc_total|cache_|outbox_published)'
ct_show_metrics referral '^ct_(referral_events|outbox_published)'
ct_show_metrics scoring '^ct_(scoring_events|scoring_propagation|outbox_published|cache_(hits|misses))'
ct_show_metrics campaign '^ct_campaign_'

if $KEEP; then
  for name in "${!CT_PIDS[@]}"; do
    printf '%s %s\n' "$name" "${CT_PIDS[$name]}"
  done >"$WORK/pids"
  # What tierctl reads (CT_<FLAG>): the addresses and the centre's admin key.
  cat >"$WORK/kept.env" <<ENV
CT_PROFILE_ADDRESS=$PROFILE
CT_SCORING_ADDRESS=$SCORING
CT_CAMPAIGN_ADDRESS=$CAMPAIGN
CT_REFERRAL_ADDRESS=$REFERRAL
CT_GATEWAY=$GATEWAY
CT_API_KEY=$CENTRE_ADMIN_KEY
ENV
  trap - EXIT
  cat <<TEXT

The suite stays up (in $WORK):
  client-profile  $PROFILE   metrics http://127.0.0.1:${CT_METRICS_PORTS[client-profile]}/metrics
  scoring         $SCORING   metrics http://127.0.0.1:${CT_METRICS_PORTS[scoring]}/metrics
  campaign        $CAMPAIGN   metrics http://127.0.0.1:${CT_METRICS_PORTS[campaign]}/metrics
  referral        $REFERRAL   metrics http://127.0.0.1:${CT_METRICS_PORTS[referral]}/metrics
  gateway (HTTP)  $GATEWAY   OpenAPI $GATEWAY/openapi.json
  console         $GATEWAY/console/   (sign in with tenant counselling-centre and the admin key below)
  logs            $WORK/<service>.log
Tenant counselling-centre (the demo centre), admin key:  $CENTRE_ADMIN_KEY
                                            writer key:  $CENTRE_WRITER_KEY
Call it (tierctl reads the addresses and the key from the environment):
  set -a; . $WORK/kept.env; set +a
  build/tools/tierctl scoring get-tier-distribution
  build/tools/tierctl scoring get-score --client-id=\$(build/tools/tierctl --output=csv profile list-clients --page.page-size=1 | sed -n 2p | cut -d, -f1)
  curl -s $GATEWAY/clienttier.scoring.v1.ScoringService/GetTierDistribution \\
    -H 'Content-Type: application/json' -H "x-api-key: \$CT_API_KEY" -d '{}'
  curl -s "$GATEWAY/v1/segments/SEGMENT/members.csv?channel=email" -H "x-api-key: \$CT_API_KEY"
Another key:  build/tools/tierctl keys new --tenant=counselling-centre --role=reader >> $WORK/api-keys
              (the key is shown once on stderr; the services reload the file)
Stop it:  scripts/run.sh --stop
TEXT
  exit 0
fi

ct_stop_service gateway
ct_stop_service campaign
ct_stop_service scoring
ct_stop_service referral
ct_stop_service client-profile
log "everything stopped; scripts/run.sh --keep leaves the suite running to call it yourself,"
log "with the console (tier overview, churn warnings, clients, segments, campaigns) at http://127.0.0.1:<port>/console/"
