#!/usr/bin/env bash
# Start a throw-away single-node Apache Kafka (KRaft) broker for tests and CI.
#
#   scripts/kafka/start.sh            # -> last stdout line: 127.0.0.1:9092
#   BOOTSTRAP=$(scripts/kafka/start.sh | tail -n1)
#   scripts/kafka/stop.sh             # stop it and delete its data
#
# Env: KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default KAFKA_PORT+1),
#      KAFKA_HEAP_OPTS (default -Xmx512m), KAFKA_START_TIMEOUT (seconds, default 90).
#
# Idempotent:
#  * jars are fetched from Maven Central (tools/kafka-broker/pom.xml) into .kafka/lib only
#    when .kafka/lib/.stamp (kafka version + log4j version + sha256 of the pom) differs;
#  * a broker still alive per .kafka/broker.pid and answering on the port is reused;
#  * otherwise .kafka/data is formatted fresh (new cluster id) and a new broker starts.
# Progress goes to stderr; stdout carries only the bootstrap address.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/tools/kafka-broker"
POM="$TOOLS/pom.xml"
KDIR="$ROOT/.kafka"
LIB="$KDIR/lib"
DATA="$KDIR/data"
PIDFILE="$KDIR/broker.pid"
PORTFILE="$KDIR/broker.port"
LOG="$KDIR/broker.log"

PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m}"
TIMEOUT="${KAFKA_START_TIMEOUT:-90}"

log() { printf '[kafka] %s\n' "$*" >&2; }
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%01ds' $((d / 1000)) $(((d % 1000) / 100)); }

port_open() { # TCP connect to 127.0.0.1:$1 succeeds?
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}
# Running? A java that died is a zombie child of this script until we exit, and kill -0
# still succeeds on zombies, so check the process state too.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ -r "/proc/$1/status" ] || return 0
  ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}
# Is $1 alive AND our broker (guards against a recycled pid; the pid comes only from the pid file)?
is_our_broker() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  [ -r "/proc/$pid/cmdline" ] || return 0   # no procfs: trust kill -0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "kafka.Kafka $KDIR/server.properties"
}

[[ "$PORT" =~ ^[0-9]+$ && "$CPORT" =~ ^[0-9]+$ ]] || die "KAFKA_PORT/KAFKA_CONTROLLER_PORT must be numbers (got '$PORT'/'$CPORT')"
[ "$PORT" != "$CPORT" ] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"

mkdir -p "$KDIR"
# Serialize concurrent callers (e.g. parallel test workers): the second one waits, then reuses.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$KDIR/.start.lock"
  flock -w $((TIMEOUT + 120)) 9 || die "timed out waiting for another scripts/kafka/start.sh to finish"
fi

# ---- 1. reuse a broker from a previous run -------------------------------------------------
if [ -f "$PIDFILE" ]; then
  OLD_PID="$(cat "$PIDFILE" 2>/dev/null || true)"
  if is_our_broker "$OLD_PID"; then
    OLD_PORT="$(cat "$PORTFILE" 2>/dev/null || echo "$PORT")"
    if [ "$OLD_PORT" != "$PORT" ]; then
      die "a broker (pid $OLD_PID) is already running on 127.0.0.1:$OLD_PORT, not $PORT; run scripts/kafka/stop.sh first"
    fi
    if port_open "$PORT"; then
      log "reusing running broker (pid $OLD_PID)"
      echo "127.0.0.1:$PORT"
      exit 0
    fi
    log "broker pid $OLD_PID is alive but not answering on $PORT yet; waiting"
    BROKER_PID="$OLD_PID"
  else
    log "removing stale pid file (pid '$OLD_PID' is not running)"
    rm -f "$PIDFILE" "$PORTFILE"
  fi
fi

# ---- 2. prerequisites ----------------------------------------------------------------------
pom_prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$POM" | head -n1; }
KAFKA_VERSION="$(pom_prop kafka.version)"
LOG4J_VERSION="$(pom_prop log4j.version)"
POM_SHA="$(sha256sum "$POM" | cut -d' ' -f1)"
STAMP="kafka=$KAFKA_VERSION log4j=$LOG4J_VERSION pom=$POM_SHA"
NEED_FETCH=1
[ -f "$LIB/.stamp" ] && [ "$(cat "$LIB/.stamp")" = "$STAMP" ] && NEED_FETCH=0

MISSING=""
command -v java >/dev/null 2>&1 || MISSING="java (a Java 17+ runtime, e.g. 'apt-get install openjdk-17-jre-headless')"
if [ "$NEED_FETCH" = 1 ] && ! command -v mvn >/dev/null 2>&1; then
  MVN_MSG="mvn (Apache Maven 3.6.3+, e.g. 'apt-get install maven'), which downloads the Kafka jars from Maven Central"
  MISSING="${MISSING:+$MISSING and }$MVN_MSG"
fi
[ -z "$MISSING" ] || die "cannot start the test Kafka broker: please install $MISSING"
JAVA_MAJOR="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)"
if [ -n "$JAVA_MAJOR" ] && [ "$JAVA_MAJOR" -lt 17 ] 2>/dev/null; then
  die "Kafka $KAFKA_VERSION needs Java 17+, found Java $JAVA_MAJOR; install a Java 17+ runtime (e.g. openjdk-17-jre-headless)"
fi

# ---- 3. fetch jars (only when the stamp changed) -------------------------------------------
if [ "$NEED_FETCH" = 1 ]; then
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into .kafka/lib"
  T0=$(now_ms)
  TMP_LIB="$KDIR/lib.tmp.$$"
  rm -rf "$TMP_LIB"
  if ! mvn -B -q --no-transfer-progress -f "$POM" dependency:copy-dependencies \
        -Dkafka.lib.dir="$TMP_LIB" >"$KDIR/fetch.log" 2>&1; then
    cat "$KDIR/fetch.log" >&2
    rm -rf "$TMP_LIB"
    die "mvn could not fetch the Kafka jars (see output above; is Maven Central reachable?)"
  fi
  ls "$TMP_LIB"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$TMP_LIB"; die "fetch finished but kafka_2.13 jar is missing in $TMP_LIB"; }
  echo "$STAMP" >"$TMP_LIB/.stamp"
  rm -rf "$LIB"
  mv "$TMP_LIB" "$LIB"
  log "fetched $(ls "$LIB"/*.jar | wc -l) jars ($(du -sh "$LIB" | cut -f1)) in $(secs_since "$T0")"
fi

JAVA_COMMON=(-Djava.awt.headless=true "-Dlog4j2.configurationFile=file:$KDIR/log4j2.properties" -cp "$LIB/*")

# ---- 4. config + fresh storage + launch (unless we are waiting for a live one) --------------
if [ -z "${BROKER_PID:-}" ]; then
  for p in "$PORT" "$CPORT"; do
    port_open "$p" && die "port 127.0.0.1:$p is already in use by another process (not a broker from $PIDFILE); set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
  done

  sed -e "s|@KAFKA_PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CPORT|g" -e "s|@DATA_DIR@|$DATA|g" \
    "$TOOLS/server.properties.template" >"$KDIR/server.properties"
  cp "$TOOLS/log4j2.properties" "$KDIR/log4j2.properties"

  # 22-char base64url UUID; must not start with '-' (would parse as a flag; Kafka's Uuid does the same)
  CLUSTER_ID=""
  while [ -z "$CLUSTER_ID" ] || [ "${CLUSTER_ID:0:1}" = "-" ]; do
    CLUSTER_ID="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done

  rm -rf "$DATA"
  T0=$(now_ms)
  if ! java -Xmx256m "${JAVA_COMMON[@]}" kafka.tools.StorageTool format \
        --cluster-id="$CLUSTER_ID" --config "$KDIR/server.properties" >"$KDIR/format.log" 2>&1; then
    cat "$KDIR/format.log" >&2
    die "formatting $DATA failed"
  fi
  log "formatted .kafka/data (cluster id $CLUSTER_ID) in $(secs_since "$T0")"

  T_START=$(now_ms)
  # New session (setsid) so a Ctrl-C in the caller's terminal does not kill the broker;
  # the inner shell writes its own pid and execs java, so the pid file holds java's pid.
  # stdin/stdout/stderr are detached so `$(start.sh)` returns without waiting for java.
  # shellcheck disable=SC2086
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
    java $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent "${JAVA_COMMON[@]}" \
    kafka.Kafka "$KDIR/server.properties" </dev/null >"$LOG" 2>&1 9>&- &
  for _ in $(seq 50); do [ -s "$PIDFILE" ] && break; sleep 0.1; done
  [ -s "$PIDFILE" ] || die "broker did not write $PIDFILE"
  BROKER_PID="$(cat "$PIDFILE")"
  echo "$PORT" >"$PORTFILE"
  log "broker started (pid $BROKER_PID), waiting up to ${TIMEOUT}s for 127.0.0.1:$PORT"
else
  T_START=$(now_ms)
fi

# ---- 5. wait until the client port accepts connections (opened only once the broker is ready)
DEADLINE=$(( $(date +%s) + TIMEOUT ))
until port_open "$PORT"; do
  if ! alive "$BROKER_PID"; then
    log "broker (pid $BROKER_PID) exited during startup; last lines of $LOG:"
    tail -n 40 "$LOG" >&2 || true
    rm -f "$PIDFILE" "$PORTFILE"
    exit 1
  fi
  if [ "$(date +%s)" -ge "$DEADLINE" ]; then
    log "broker did not open 127.0.0.1:$PORT within ${TIMEOUT}s; last lines of $LOG:"
    tail -n 40 "$LOG" >&2 || true
    log "it is still running (pid $BROKER_PID); run scripts/kafka/stop.sh"
    exit 1
  fi
  sleep 0.25
done
log "broker ready on 127.0.0.1:$PORT in $(secs_since "$T_START") (pid $BROKER_PID)"
echo "127.0.0.1:$PORT"
