#!/usr/bin/env bash
# Runs the mvpn appliance headless on its built-in defaults (tenants acme and globex from etc/).
# Builds the appliance first if this checkout has none, unpacks it under run/ (kept between
# runs, so deployed configuration and logs survive) and starts Karaf in server mode.
#   ./run-appliance.sh           build if missing or stale, (re)unpack if the build is newer, start
#   ./run-appliance.sh --fresh   rebuild and start from a clean run/ folder
set -euo pipefail
cd "$(dirname "$0")"

# shellcheck source=scripts/appliance-lib.sh
source scripts/appliance-lib.sh
archive=$(mvpn_archive)
home="run/$(basename "$archive" .tar.gz)"

if [[ "${1:-}" == "--fresh" ]]; then
  rm -rf run "$archive"
fi
mvpn_build_if_needed
if [[ ! -d "$home" || "$archive" -nt "$home" ]]; then
  rm -rf "$home"
  mkdir -p run
  tar -xzf "$archive" -C run
  touch "$home"
fi

echo "mvpn: starting ${home} (SSH shell on 127.0.0.1:8101, user mvpn; Ctrl-C stops)"
exec "$home/bin/karaf" server
