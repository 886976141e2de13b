#!/usr/bin/env bash
# Fuzzes the segment rule parser and evaluator (tests/fuzz/segment_parser_fuzz.cc) with
# libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   scripts/fuzz-segments.sh [SECONDS]     (default 30)
#
# Builds the target from campaign's pure domain sources into a temporary directory (not the
# CMake build: libFuzzer needs clang, the project builds with the default compiler), writes a
# small seed corpus, runs for SECONDS and exits non-zero when the fuzzer finds a crash, leak
# or failed check; the crashing input is kept and its path printed.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$ROOT/scripts/lib.sh"

SECONDS_TO_RUN=${1:-30}
[[ $SECONDS_TO_RUN =~ ^[0-9]+$ ]] || die "usage: scripts/fuzz-segments.sh [SECONDS]"

if ! command -v clang++ >/dev/null 2>&1; then
  log "clang++ not found: installing clang"
  if ((EUID == 0)); then
    DEBIAN_FRONTEND=noninteractive apt-get install -y clang >&2
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y clang >&2
  fi
fi

WORK=$(mktemp -d /tmp/clienttier-fuzz-segments.XXXXXX)
DOMAIN=$ROOT/services/campaign/domain
log "building in $WORK"
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$ROOT" "$ROOT/tests/fuzz/segment_parser_fuzz.cc" "$DOMAIN/segment_fields.cc" \
  "$DOMAIN/segment_lexer.cc" "$DOMAIN/segment_parser.cc" "$DOMAIN/segment_program.cc" \
  -o "$WORK/segment_parser_fuzz"

CORPUS=$WORK/corpus
mkdir -p "$CORPUS"
seed=0
add_seed() {
  seed=$((seed + 1))
  printf '%s' "$1" >"$CORPUS/seed-$seed"
}
add_seed 'tier in ("T1","T2") and lifecycle = "dormant" and clv_12m >= 5000 and has_tag("parenting")'
add_seed 'not (score > 50.5 or p_alive between 0.1 and 0.9) and churn_warning'
add_seed 'client_since >= date("2024-02-29") or client_since < days_ago(30)'
add_seed 'clv_12m between -5.5 CNY and 5000.00 CNY or spend_30d not in (1, 2.5, 3)'
add_seed 'city_tier <= 2 and age_band >= "35_44" and rfm_cell in ("555", "545")'
add_seed 'region in ("Shanghai", "beijing", "上海") and client_id != "c-\"1\"\\"'
add_seed 'TIER <= "t2" AND NOT NOT (frequency in (1,2,3) OR recency_days < -1)'
add_seed 'tierr = "T4" and ((('

# A dictionary of the language's words makes the fuzzer reach past the field lookup.
cat >"$WORK/segment.dict" <<'EOF'
"and"
"or"
"not"
"in"
"between"
"true"
"false"
"has_tag("
"date(\"2025-01-01\")"
"days_ago("
"CNY"
"USD"
"tier"
"lifecycle"
"clv_12m"
"p_alive"
"city_tier"
"rfm_cell"
"region"
"client_since"
"churn_warning"
"\"T1\""
"\"dormant\""
"!="
"<="
">="
EOF

log "fuzzing for ${SECONDS_TO_RUN}s"
status=0
(cd "$WORK" && ./segment_parser_fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=4200 \
  -dict="$WORK/segment.dict" -artifact_prefix="$WORK/" -print_final_stats=1 "$CORPUS") ||
  status=$?
if ((status != 0)); then
  log "the fuzzer failed (exit $status); inputs kept in $WORK:"
  ls "$WORK"/crash-* "$WORK"/leak-* "$WORK"/timeout-* "$WORK"/oom-* 2>/dev/null >&2 || true
  exit "$status"
fi
log "no failure in ${SECONDS_TO_RUN}s"
rm -rf "$WORK"
