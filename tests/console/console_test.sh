#!/usr/bin/env bash
# The console in headless Chromium (Debian's chromium, driven by the pinned puppeteer-core of
# console/package-lock.json): starts the four services and the gateway serving the built
# console, loads a small demo tenant (tools/demo-tenant), signs in, checks that the figures on
# each page equal the API's answers and saves screenshots in build/console-screenshots.
# Runs under ctest against the stack of scripts/test.sh (its stack.env is in the environment).
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
. "$ROOT/scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../../scripts/services.sh
. "$ROOT/scripts/services.sh"

BUILD=${CT_BUILD_DIR:-$ROOT/build}
CHROMIUM=${CT_CHROMIUM:-/usr/bin/chromium}
[[ -x $CHROMIUM ]] || die "$CHROMIUM is missing (scripts/install-deps.sh installs Debian's chromium)"
[[ -f $BUILD/console/index.html ]] || die "the console is not built in $BUILD/console (the console target)"
[[ -d $BUILD/console-npm/node_modules/puppeteer-core ]] ||
  die "puppeteer-core is not installed in $BUILD/console-npm (scripts/console-build.sh)"

WORK=$(mktemp -d /tmp/clienttier-console.XXXXXX)
trap 'ct_stop_all_services; rm -rf "$WORK"' EXIT
CT_SERVICE_LOG_DIR=$WORK
CT_KEYS_FILE=$WORK/api-keys
read -r WRITER_KEY ADMIN_KEY SERVICE_KEY < <(ct_make_keys console-centre)
SUFFIX=$$_$RANDOM

ct_start_service client-profile "ct_console_profile_$SUFFIX"
ct_start_service referral "ct_console_referral_$SUFFIX"
PROFILE=127.0.0.1:${CT_GRPC_PORTS[client-profile]}
REFERRAL=127.0.0.1:${CT_GRPC_PORTS[referral]}
ct_start_service scoring "ct_console_scoring_$SUFFIX" --referral-address="$REFERRAL" \
  --referral-api-key="$SERVICE_KEY"
SCORING=127.0.0.1:${CT_GRPC_PORTS[scoring]}
ct_start_service campaign "ct_console_campaign_$SUFFIX" --scoring-address="$SCORING" \
  --profile-address="$PROFILE" --service-api-key="$SERVICE_KEY"
CAMPAIGN=127.0.0.1:${CT_GRPC_PORTS[campaign]}
ct_start_gateway --profile-address="$PROFILE" --scoring-address="$SCORING" \
  --campaign-address="$CAMPAIGN" --referral-address="$REFERRAL" --console-dir="$BUILD/console"

# A small centre: enough clients for every chart, a segment, a launched campaign with outcomes.
log "loading the demo tenant (${CT_CONSOLE_CLIENTS:-400} clients)"
if ! "$BUILD/tools/demo-tenant" --profile="$PROFILE" --scoring="$SCORING" --campaign="$CAMPAIGN" \
  --referral="$REFERRAL" --api-key="$WRITER_KEY" --admin-api-key="$ADMIN_KEY" \
  --clients="${CT_CONSOLE_CLIENTS:-400}" >"$WORK/demo-tenant.log" 2>&1; then
  tail -n 40 "$WORK/demo-tenant.log" >&2
  die "demo-tenant failed"
fi

SHOTS=$BUILD/console-screenshots
rm -rf "$SHOTS" && mkdir -p "$SHOTS"
# The demo's printed story beside the pictures: the same words as the console.
cp "$WORK/demo-tenant.log" "$SHOTS/demo-tenant.log"
CT_GATEWAY="http://127.0.0.1:$CT_HTTP_PORT" CT_API_KEY=$WRITER_KEY CT_SCREENSHOTS=$SHOTS \
  CT_CHROMIUM=$CHROMIUM NODE_PATH=$BUILD/console-npm/node_modules PUPPETEER_SKIP_DOWNLOAD=1 \
  node "$ROOT/console/test/console.test.cjs"
