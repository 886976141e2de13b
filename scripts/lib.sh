# shellcheck shell=bash
# Shared helpers for the scripts in this directory; source it, do not run it.

# Messages go to stderr so stdout stays clean for machine-readable output.
log() { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# wait_until SECONDS CMD...: poll CMD every 0.5s; fail once SECONDS have passed.
wait_until() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}
