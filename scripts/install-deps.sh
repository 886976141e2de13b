#!/usr/bin/env bash
# Install the Debian 12 packages needed to build, test and run ClientTier.
# Idempotent: does nothing (and needs no root) when everything is present.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libhiredis-dev libmysqlcppconn-dev
  mariadb-server mariadb-client redis-server
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libssl-dev libcpp-httplib-dev zlib1g-dev
  procps iproute2 curl openssl
  clang-format
  # promtool: the test command lints every service's /metrics with it
  prometheus
  # the console's headless browser test, and a font for its Chinese text (Node.js and npm are
  # installed by scripts/console-build.sh only where no node/npm is on the PATH)
  chromium fonts-wqy-zenhei
)

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SCRIPT_DIR/lib.sh"

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  log "all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
log "missing: ${missing[*]}"

if ((EUID != 0)); then
  command -v sudo >/dev/null 2>&1 || die "must run as root (or with sudo available) to install packages"
  exec sudo -- "$0" "$@"
fi

# Another apt/dpkg (e.g. image provisioning) may hold the lock; wait rather than fail.
if ! wait_until 1800 bash -c '! pgrep -x apt-get && ! pgrep -x dpkg && ! pgrep -x apt'; then
  die "another apt-get/dpkg is still running after 30 minutes"
fi

# The stack scripts run their own private mariadbd/redis-server; keep the
# package maintainer scripts from starting system instances (Docker-style
# policy-rc.d, honoured by invoke-rc.d and deb-systemd-invoke). An existing
# policy is left untouched.
POLICY=/usr/sbin/policy-rc.d
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
# Lock timeout covers apt runs that start between our check and our install.
APT=(apt-get -o DPkg::Lock::Timeout=600)
"${APT[@]}" update
"${APT[@]}" install -y --no-install-recommends "${missing[@]}"
log "installed: ${missing[*]}"
