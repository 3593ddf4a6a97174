# shellcheck shell=bash
# Functions for scripts that run the mvpn appliance as an operator does: the built assembly
# unpacked into a folder of its own, etc/ files written, dropped or edited before the start,
# Karaf started in server mode in the background, its shell reached with bin/client in batch mode,
# and stopped again. Source it (from the repository or anywhere) and call:
#
#   mvpn_build_if_needed                 build the assembly if missing or older than its sources
#   mvpn_unpack DIR                      a fresh copy of the assembly in DIR; sets MVPN_HOME
#   mvpn_ports SSH RMI_REGISTRY RMI_SERVER   move the shell and JMX ports (several may run at once)
#   mvpn_etc_write FILE < CONTENT        write etc/FILE
#   mvpn_etc_set FILE KEY VALUE          set KEY in etc/FILE (replacing its line, or appending)
#   mvpn_etc_drop FILE...                remove shipped etc/ files
#   mvpn_start                           bin/karaf server in the background; sets MVPN_PID
#   mvpn_shell 'cmd; cmd'                run shell commands, print their output
#   mvpn_await_shell CMD REGEX SECONDS   repeat CMD until its output matches REGEX (or fail)
#   mvpn_stop                            bin/stop, then wait (killing after 60 s)
#
# MVPN_ROOT (the repository) defaults to this file's parent folder; MVPN_ARCHIVE to the
# assembly it builds. Nothing here needs root; what a script does with TUN devices may.

MVPN_ROOT=${MVPN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
MVPN_SSH_PORT=${MVPN_SSH_PORT:-8101}

mvpn_log() {
  echo "mvpn: $*" >&2
}

# The assembly archive of this checkout's version.
mvpn_archive() {
  if [[ -n "${MVPN_ARCHIVE:-}" ]]; then
    echo "$MVPN_ARCHIVE"
    return
  fi
  local version
  version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$MVPN_ROOT/pom.xml" | head -1)
  echo "$MVPN_ROOT/karaf-assembly/target/mvpn-karaf-assembly-${version}.tar.gz"
}

# Builds when there is no appliance yet or a source it is made of changed since (tests skipped).
mvpn_build_if_needed() {
  local archive
  archive=$(mvpn_archive)
  if [[ ! -f "$archive" ]] || [[ -n "$(cd "$MVPN_ROOT" && find pom.xml bundles features \
        karaf-assembly/pom.xml karaf-assembly/src etc -newer "$archive" -not -path '*/target/*' \
        -print -quit)" ]]; then
    mvpn_log "building the appliance (tests skipped; run './mvnw -B verify' for those)"
    (cd "$MVPN_ROOT" && ./mvnw -B -q package -DskipTests)
  fi
}

# A fresh copy of the assembly in DIR (emptied first); MVPN_HOME is its Karaf folder.
mvpn_unpack() {
  local dir=$1
  rm -rf "$dir"
  mkdir -p "$dir"
  tar -xzf "$(mvpn_archive)" -C "$dir"
  MVPN_HOME=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | head -1)
  MVPN_HOME=$(cd "$MVPN_HOME" && pwd)
  export MVPN_HOME
}

mvpn_etc_write() {
  cat >"$MVPN_HOME/etc/$1"
}

mvpn_etc_set() {
  local file=$MVPN_HOME/etc/$1 key=$2 value=$3
  if grep -q "^${key}[[:space:]]*=" "$file"; then
    local rest
    rest=$(grep -v "^${key}[[:space:]]*=" "$file")
    printf '%s\n%s = %s\n' "$rest" "$key" "$value" >"$file"
  else
    printf '%s = %s\n' "$key" "$value" >>"$file"
  fi
}

mvpn_etc_drop() {
  local f
  for f in "$@"; do
    rm -f "$MVPN_HOME/etc/$f"
  done
}

mvpn_ports() {
  MVPN_SSH_PORT=$1
  mvpn_etc_set org.apache.karaf.shell.cfg sshPort "$1"
  mvpn_etc_set org.apache.karaf.management.cfg rmiRegistryPort "$2"
  mvpn_etc_set org.apache.karaf.management.cfg rmiServerPort "$3"
}

# Karaf in server mode, console output in MVPN_HOME/../console.log.
mvpn_start() {
  (cd "$MVPN_HOME" && exec bin/karaf server >>"$MVPN_HOME/../console.log" 2>&1 </dev/null) &
  MVPN_PID=$!
  echo "$MVPN_PID" >"$MVPN_HOME/../karaf.pid"
}

mvpn_shell() {
  (cd "$MVPN_HOME" && echo "$1" | bin/client -a "$MVPN_SSH_PORT" -h 127.0.0.1 -u mvpn -p mvpn \
    -r 1 -b 2>&1) | sed '/JAVA_HOME not set/d'
}

mvpn_await_shell() {
  local command=$1 pattern=$2 deadline=$((SECONDS + $3)) out=""
  while ((SECONDS < deadline)); do
    if [[ -n "${MVPN_PID:-}" ]] && ! kill -0 "$MVPN_PID" 2>/dev/null; then
      mvpn_log "Karaf ended; see $MVPN_HOME/../console.log"
      return 1
    fi
    out=$(mvpn_shell "$command" || true)
    if grep -Eq "$pattern" <<<"$out"; then
      printf '%s\n' "$out"
      return 0
    fi
    sleep 0.5
  done
  mvpn_log "'$command' not ready in $3 s; last output:"
  printf '%s\n' "$out" >&2
  return 1
}

# Stops the Karaf this shell started (or the one whose pid file is in DIR, a leftover).
mvpn_stop() {
  local pid=${MVPN_PID:-}
  if [[ -z "$pid" && -n "${MVPN_HOME:-}" && -f "$MVPN_HOME/../karaf.pid" ]]; then
    pid=$(cat "$MVPN_HOME/../karaf.pid")
  fi
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  (cd "$MVPN_HOME" && bin/stop >/dev/null 2>&1) || kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
  MVPN_PID=""
}
