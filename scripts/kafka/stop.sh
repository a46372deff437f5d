#!/usr/bin/env bash
# Stop the test Kafka broker started by scripts/kafka/start.sh and delete its data.
# Uses ONLY the pid in .kafka/broker.pid (never matches processes by name):
# SIGTERM (runs Kafka's shutdown hook), wait up to KAFKA_STOP_TIMEOUT (default 30) s, then SIGKILL.
# Succeeds quietly when nothing is running. Jars in .kafka/lib are kept.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KDIR="$ROOT/.kafka"
PIDFILE="$KDIR/broker.pid"
TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

log() { printf '[kafka] %s\n' "$*" >&2; }

# running (a zombie left unreaped by a parent that never waits counts as gone)
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ -r "/proc/$1/status" ] || return 0
  ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}

# alive AND still our broker (a recycled pid belonging to something else is left alone)
is_our_broker() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  [ -r "/proc/$pid/cmdline" ] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "kafka.Kafka $KDIR/server.properties"
}

if [ -f "$PIDFILE" ]; then
  PID="$(cat "$PIDFILE" 2>/dev/null || true)"
  if is_our_broker "$PID"; then
    kill -TERM "$PID" 2>/dev/null || true
    DEADLINE=$(( $(date +%s) + TIMEOUT ))
    while alive "$PID" && [ "$(date +%s)" -lt "$DEADLINE" ]; do sleep 0.2; done
    if alive "$PID"; then
      log "broker (pid $PID) ignored SIGTERM for ${TIMEOUT}s; sending SIGKILL"
      kill -KILL "$PID" 2>/dev/null || true
      for _ in $(seq 50); do alive "$PID" || break; sleep 0.1; done
    fi
    log "broker (pid $PID) stopped"
  fi
fi

rm -rf "$KDIR/data"
rm -f "$PIDFILE" "$KDIR/broker.port"
