# Sourced (after lib.sh): start and stop ClientTier services on free loopback ports against
# the stack whose stack.env is loaded, with the API keys file $CT_KEYS_FILE.
#   ct_start_service NAME DATABASE [EXTRA FLAGS...]   sets CT_GRPC_PORTS[NAME], CT_METRICS_PORTS[NAME]
#   ct_start_gateway [FLAGS...]                       the HTTP gateway; sets CT_HTTP_PORT
#   ct_stop_service NAME / ct_stop_all_services       SIGTERM, then wait for the drain
#   ct_show_metrics NAME PATTERN                      lines of /metrics matching PATTERN
# Logs go to $CT_SERVICE_LOG_DIR/NAME.log.

declare -A CT_PIDS=() CT_GRPC_PORTS=() CT_METRICS_PORTS=()

ct_start_service() {
  local name=$1 database=$2 port metrics i
  shift 2
  port=$(pick_port)
  metrics=$(pick_port "$port")
  CT_GRPC_PORTS[$name]=$port
  CT_METRICS_PORTS[$name]=$metrics
  log "starting $name on 127.0.0.1:$port (metrics :$metrics, log $CT_SERVICE_LOG_DIR/$name.log)"
  "$ROOT/build/services/$name/$name" \
    --grpc-address="127.0.0.1:$port" --metrics-host=127.0.0.1 --metrics-port="$metrics" \
    --api-keys-file="$CT_KEYS_FILE" --mysql-database="$database" --drain-ms=200 "$@" \
    2>"$CT_SERVICE_LOG_DIR/$name.log" &
  CT_PIDS[$name]=$!
  # Bounded wait for the port; gives up at once if the service died (bad flags, no MySQL).
  for ((i = 0; i < 120; i++)); do
    kill -0 "${CT_PIDS[$name]}" 2>/dev/null || break
    [[ -n $(ss -Hltn "( sport = :$port )") ]] && return 0
    sleep 0.25
  done
  tail -n 30 "$CT_SERVICE_LOG_DIR/$name.log" >&2 || true
  die "$name did not start"
}

# The HTTP gateway in front of the services named by its flags (--profile-address=...): sets
# CT_HTTP_PORT; stopped with the services (ct_stop_service gateway).
ct_start_gateway() {
  local port metrics i
  port=$(pick_port)
  metrics=$(pick_port "$port")
  CT_HTTP_PORT=$port
  CT_METRICS_PORTS[gateway]=$metrics
  log "starting gateway on http://127.0.0.1:$port (metrics :$metrics, log $CT_SERVICE_LOG_DIR/gateway.log)"
  "$ROOT/build/services/gateway/gateway" \
    --http-host=127.0.0.1 --http-port="$port" --metrics-host=127.0.0.1 --metrics-port="$metrics" \
    --drain-ms=200 "$@" 2>"$CT_SERVICE_LOG_DIR/gateway.log" &
  CT_PIDS[gateway]=$!
  for ((i = 0; i < 120; i++)); do
    kill -0 "${CT_PIDS[gateway]}" 2>/dev/null || break
    [[ -n $(ss -Hltn "( sport = :$port )") ]] && return 0
    sleep 0.25
  done
  tail -n 30 "$CT_SERVICE_LOG_DIR/gateway.log" >&2 || true
  die "gateway did not start"
}

ct_stop_service() {
  local name=$1 pid=${CT_PIDS[$1]:-} i
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  # A graceful stop drains first; a stuck service must not hold the script forever.
  for ((i = 0; i < 120; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
  if wait "$pid" 2>/dev/null; then
    log "$name drained and stopped cleanly"
  else
    log "$name exited with status $?"
  fi
  unset "CT_PIDS[$name]"
}

ct_stop_all_services() {
  local name
  for name in "${!CT_PIDS[@]}"; do
    ct_stop_service "$name"
  done
}

ct_show_metrics() {
  local name=$1 pattern=$2
  log "a few of $name's metrics (http://127.0.0.1:${CT_METRICS_PORTS[$name]}/metrics):"
  curl -fsS "http://127.0.0.1:${CT_METRICS_PORTS[$name]}/metrics" | grep -E "$pattern" |
    head -n 20 || true
}

# Random API keys for a run: prints "writer admin service" keys and appends their hashes to
# $CT_KEYS_FILE for `tenant` (once per tenant, before the services start and load the file).
ct_make_keys() {
  local tenant=$1 writer admin service
  writer=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  admin=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  service=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # The service key (tenant *) is what scoring presents to referral and campaign to scoring and
  # client-profile, naming the tenant per call.
  printf '%s %s writer\n%s %s admin\n%s * reader\n' \
    "$(printf %s "$writer" | sha256sum | cut -d' ' -f1)" "$tenant" \
    "$(printf %s "$admin" | sha256sum | cut -d' ' -f1)" "$tenant" \
    "$(printf %s "$service" | sha256sum | cut -d' ' -f1)" >>"$CT_KEYS_FILE"
  printf '%s %s %s\n' "$writer" "$admin" "$service"
}
