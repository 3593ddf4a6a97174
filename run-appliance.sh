#!/usr/bin/env bash
# Runs the mvpn appliance headless on its built-in defaults (tenants acme and globex from etc/).
# Builds the appliance first if this checkout has none, unpacks it under run/ (kept between
# runs, so deployed configuration and logs survive) and starts Karaf in server mode.
#   ./run-appliance.sh           build if missing or stale, (re)unpack if the build is newer, start
#   ./run-appliance.sh --fresh   rebuild and start from a clean run/ folder
set -euo pipefail
cd "$(dirname "$0")"

version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
archive="karaf-assembly/target/mvpn-karaf-assembly-${version}.tar.gz"
home="run/mvpn-karaf-assembly-${version}"

if [[ "${1:-}" == "--fresh" ]]; then
  rm -rf run "$archive"
fi
# Build when there is no appliance yet or a source it is made of changed since.
if [[ ! -f "$archive" ]] || [[ -n "$(find pom.xml bundles features karaf-assembly/pom.xml \
      karaf-assembly/src etc -newer "$archive" -not -path '*/target/*' -print -quit)" ]]; then
  echo "mvpn: building the appliance (tests skipped; run './mvnw -B verify' for those)"
  ./mvnw -B -q package -DskipTests
fi
if [[ ! -d "$home" || "$archive" -nt "$home" ]]; then
  rm -rf "$home"
  mkdir -p run
  tar -xzf "$archive" -C run
  touch "$home"
fi

echo "mvpn: starting ${home} (SSH shell on 127.0.0.1:8101, user mvpn; Ctrl-C stops)"
exec "$home/bin/karaf" server
