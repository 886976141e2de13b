# shellcheck shell=bash
# Shared helpers for the scripts in this directory; source it, do not run it.

# Messages go to stderr so stdout stays clean for machine-readable output.
log() { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# as_root CMD...: run CMD as root, through sudo when this shell is not root (package installs).
as_root() {
  if ((EUID == 0)); then
    "$@"
  else
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to run: $*"
    sudo -- "$@"
  fi
}

# wait_until SECONDS CMD...: poll CMD every 0.5s; fail once SECONDS have passed.
wait_until() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# pick_port [TAKEN...]: print a TCP port on loopback that nothing uses and that is not one of
# TAKEN (ports picked but not yet listened on), below the ephemeral range. The draw comes from
# shuf, not bash's RANDOM: bash reseeds RANDOM in every $(pick_port) subshell from the time and
# the pid, so two picks in a row could draw the same port.
pick_port() {
  local lo=20000 hi=60000 eph_lo p i taken
  read -r eph_lo _ </proc/sys/net/ipv4/ip_local_port_range || eph_lo=0
  if ((eph_lo > lo + 1000 && eph_lo <= hi)); then hi=$((eph_lo - 1)); fi
  for ((i = 0; i < 500; i++)); do
    p=$(shuf -i "$lo-$hi" -n 1)
    for taken in "$@"; do
      if [[ $p == "$taken" ]]; then continue 2; fi
    done
    if [[ -z $(ss -Htan "( sport = :$p )") ]]; then
      printf '%s\n' "$p"
      return 0
    fi
  done
  die "no free TCP port found in $lo-$hi"
}
