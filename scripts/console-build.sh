#!/usr/bin/env bash
# Builds the console (console/src plus the pinned Chart.js of console/package-lock.json) into
# build/console (or $1), which the gateway serves at /console/. Also installs the pinned
# puppeteer-core its headless Chromium test drives (tests/console/console_test.sh).
#
# Needs no network other than Debian's and the npm registry: installs Debian's nodejs and npm
# when missing (as root or through sudo), then `npm ci` into the cache folder
# (build/console-npm, or $CT_CONSOLE_NPM_CACHE) whenever the lockfile changed. No browser is
# downloaded (PUPPETEER_SKIP_DOWNLOAD): the test uses Debian's chromium.
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$ROOT/scripts/lib.sh"
OUT=${1:-$ROOT/build/console}
CACHE=${CT_CONSOLE_NPM_CACHE:-$ROOT/build/console-npm}
mkdir -p "$CACHE"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "installing Debian's nodejs and npm"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    --no-install-recommends nodejs npm >/dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 18)) || die "Node.js $(node --version) is too old: 18 or newer is needed"

# The pinned packages, reinstalled only when the lockfile changed.
MODULES=$CACHE/node_modules
if ! cmp -s "$ROOT/console/package-lock.json" "$CACHE/package-lock.json" ||
  [[ ! -f $MODULES/chart.js/dist/chart.umd.js || ! -d $MODULES/puppeteer-core ]]; then
  log "installing the console's npm packages into $CACHE"
  rm -rf "$MODULES" "$CACHE/package.json" "$CACHE/package-lock.json"
  cp "$ROOT/console/package.json" "$ROOT/console/package-lock.json" "$CACHE/"
  (cd "$CACHE" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund \
    --cache "$CACHE/npm-cache" --loglevel=error)
fi

# The site: the sources as they are (plain ES modules, no bundler needed) and Chart.js's UMD
# build, swapped in whole so a running gateway never serves half a build.
STAGE=$OUT.tmp
rm -rf "$STAGE"
mkdir -p "$STAGE/vendor"
cp -R "$ROOT/console/src/." "$STAGE/"
cp "$MODULES/chart.js/dist/chart.umd.js" "$STAGE/vendor/chart.umd.js"
cp "$MODULES/chart.js/LICENSE.md" "$STAGE/vendor/chart.js-LICENSE.txt"
rm -rf "$OUT.old"
[[ ! -e $OUT ]] || mv "$OUT" "$OUT.old"
mv "$STAGE" "$OUT"
rm -rf "$OUT.old"
log "console built in $OUT"
