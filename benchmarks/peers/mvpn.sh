# mvpn.sh - helpers for the scripts that measure the mvpn appliance (sourced after common.sh).
# The appliance runs as an operator runs it: the Karaf assembly unpacked into the scratch dir, its
# functions configured by cfg files in etc/, started with "bin/karaf server" and driven with
# "bin/client". It runs in a network namespace of its own, so its shell (127.0.0.1:8101) and its
# sockets meet no other Karaf on the host; it creates its TUN devices there, and each device is
# then moved into the namespace of the host on its other side (an open TUN keeps working when its
# device changes namespace).
# Knobs: MVPN_ASSEMBLY (default: the newest karaf-assembly/target/mvpn-karaf-assembly-*.tar.gz of
# this checkout), MVPN_READY_TIME=240 (seconds for the container and the functions to come up).
MV_REPO=$(cd "$PB_DIR/../.." && pwd)
MVPN_ASSEMBLY=${MVPN_ASSEMBLY:-$(ls -t "$MV_REPO"/karaf-assembly/target/mvpn-karaf-assembly-*.tar.gz 2>/dev/null | head -1)}
MVPN_READY_TIME=${MVPN_READY_TIME:-240}
MV_JAVA=""                    # the container's JVM (its PID goes into MON)
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
export JAVA_HOME

# mv_unpack <netns>: unpack the assembly into $W/karaf, keep only the store's cfg of the shipped
# mvpn ones (the demo's functions are not part of any benchmark); the container will run in <netns>
mv_unpack() {
  MV_NS=$1
  [ -r "$MVPN_ASSEMBLY" ] || pb_die "no assembly (build it: ./mvnw -B -q -o package -DskipTests -pl karaf-assembly -am, or set MVPN_ASSEMBLY)"
  mkdir -p "$W/karaf"
  tar -xzf "$MVPN_ASSEMBLY" -C "$W/karaf" || pb_die "cannot unpack $MVPN_ASSEMBLY"
  KARAF_HOME=$(find "$W/karaf" -mindepth 1 -maxdepth 1 -type d | head -1)
  # the keystore stays: functions that read keys (the security gateway among them) wait for it
  find "$KARAF_HOME/etc" -name 'io.mvpn.*.cfg' ! -name io.mvpn.store.cfg ! -name io.mvpn.keys.cfg -delete
  pb_log "assembly $(basename "$MVPN_ASSEMBLY") unpacked into $KARAF_HOME"
}

# mv_etc <file> <content>: one cfg file in the container's etc/
mv_etc() { printf '%s\n' "$2" > "$KARAF_HOME/etc/$1"; }

# mv_start: start the container in $MV_NS and wait for its JVM; MV_JAVA is its PID
mv_start() {
  local p
  ip -n "$MV_NS" link set lo up
  pb_bg "$W/karaf-console.log" ip netns exec "$MV_NS" env KARAF_HOME="$KARAF_HOME" "$KARAF_HOME/bin/karaf" server
  # the launcher script runs other short-lived JVMs first (version checks): wait for Karaf's main
  pb_wait_for 60 'for p in $(ip netns pids "$MV_NS"); do cat "/proc/$p/cmdline" 2>/dev/null | tr "\0" " " | grep -q org.apache.karaf.main.Main && MV_JAVA=$p; done; [ -n "$MV_JAVA" ]' \
    || pb_die "no JVM started: $(tail -5 "$W/karaf-console.log")"
  PB_PIDS+=("$MV_JAVA")
  pb_log "container started, JVM pid $MV_JAVA, java $(readlink -f /proc/$MV_JAVA/exe)"
}

# mv_shell <commands>: run shell commands through bin/client, print what they print
mv_shell() {
  printf '%s\n' "$1" | timeout 60 ip netns exec "$MV_NS" "$KARAF_HOME/bin/client" -a 8101 -h 127.0.0.1 \
    -u mvpn -p mvpn -r 1 -b 2>&1
}

# mv_await <seconds> <command> <extended regexp>: repeat the shell command until its output matches
mv_await() {
  local deadline=$((SECONDS + $1)) out
  while [ $SECONDS -lt $deadline ]; do
    pb_alive "$MV_JAVA" || pb_die "the container ended; see $W/karaf-console.log and $KARAF_HOME/data/log/karaf.log"
    out=$(mv_shell "$2")
    grep -Eq "$3" <<<"$out" && { MV_OUT=$out; return 0; }
    sleep 1
  done
  pb_log "'$2' never matched '$3'; last output:"; printf '%s\n' "$out" >&2
  return 1
}

# mv_move_tun <device> <netns>: move a device the container created into the other host's namespace
mv_move_tun() {
  pb_wait_for 30 "ip -n '$MV_NS' link show dev '$1' >/dev/null 2>&1" || pb_die "the container made no device $1"
  ip -n "$MV_NS" link set dev "$1" netns "$2" || pb_die "cannot move $1 into $2"
  ip -n "$2" link set dev "$1" up
}

# MVPN_JFR=<file.jfr>: record the container with Java Flight Recorder (profile settings) while it is
# measured: mv_jfr_start before pb_measure, mv_jfr_stop after
mv_jfr_start() { [ -z "${MVPN_JFR:-}" ] || jcmd "$MV_JAVA" JFR.start name=bench settings=profile >/dev/null; }
mv_jfr_stop() {
  [ -z "${MVPN_JFR:-}" ] && return 0
  jcmd "$MV_JAVA" JFR.dump name=bench filename="$MVPN_JFR" >/dev/null && pb_log "flight recording: $MVPN_JFR"
}

# mv_note: what the notes of a RESULT line say about the appliance
mv_note() {
  echo "mvpn=$(basename "$MVPN_ASSEMBLY" .tar.gz | sed 's/^mvpn-karaf-assembly-//') java=$("$(readlink -f /proc/$MV_JAVA/exe)" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1)"
}
