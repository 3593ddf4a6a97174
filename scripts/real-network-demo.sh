#!/usr/bin/env bash
# The roaming demo over real networks (as root): the appliance runs from a copy of the assembly
# with each tenant's LAN interface on a Linux TUN device that leads into a site namespace, where
# the kernel is the tenant's host 10.1.0.100 (acme and globex, both 10.1.0.0/16). The demo's
# mobile nodes (etc/io.mvpn.demo.cfg, realSites = true) roam cell1 -> cell2 -> co-located care-of
# address and ping their home host: those pings cross the foreign agents, the home agents'
# tunnels and the tenant's VRF, and the real host's kernel answers them. A third TUN device puts
# an access network on the public VRF, from which the home agents' addresses are pinged.
#
#   scripts/real-network-demo.sh                 run until Ctrl-C, counters every few seconds
#   scripts/real-network-demo.sh --duration 20   run 20 s, print a summary, exit 0 if both sites'
#                                                hosts answered and no packet crossed tenants
#   --archive FILE   use this assembly instead of building this checkout's
#
# Everything it makes (namespaces mvdemo-*, devices mvdemo-*, the appliance copy under
# run/real-network-demo/ and its Karaf) goes on exit, also on Ctrl-C; leftovers of a killed run are
# removed at the start. Needs root, ip (iproute2), nft (nftables) and ping; serialize with other
# namespace tests by running it under `flock /tmp/mvpn-netns.lock`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/appliance-lib.sh
source "$here/appliance-lib.sh"

duration=0
while (($#)); do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --archive) MVPN_ARCHIVE=$(realpath "$2"); export MVPN_ARCHIVE; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ $duration =~ ^[0-9]+$ ]] || { echo "--duration takes whole seconds" >&2; exit 2; }

missing=()
[[ $(id -u) -eq 0 ]] || missing+=("root")
[[ -e /dev/net/tun ]] || missing+=("/dev/net/tun")
for tool in ip nft ping; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "real-network-demo needs: ${missing[*]}" >&2
  exit 3
fi

TENANTS=(acme globex)
ACCESS=mvdemo-access
SITE_HOST=10.1.0.100
RUN_DIR=$MVPN_ROOT/run/real-network-demo
MTU=1400

# The demo numbers its nodes in the order of io.mvpn.demo.cfg; each pings with that identifier.
declare -A PING_ID=([acme]=1 [globex]=2)

cleanup() {
  set +e
  if [[ -z "${MVPN_HOME:-}" && -d "$RUN_DIR" ]]; then
    MVPN_HOME=$(find "$RUN_DIR" -mindepth 1 -maxdepth 1 -type d | head -1)
  fi
  [[ -n "${MVPN_HOME:-}" ]] && mvpn_stop
  local name
  for name in "${TENANTS[@]/#/mvdemo-}" "$ACCESS"; do
    [[ -e /run/netns/$name ]] && ip netns del "$name"
    ip link show dev "$name" >/dev/null 2>&1 && ip link del "$name"
  done
  return 0
}

# A site namespace with the appliance's device in it: the kernel there is HOST/PREFIX, routed
# through the VRF's ADDRESS; IPv6 off so it sends only what it is asked to.
attach() {
  local ns=$1 host=$2 via=$3
  [[ -e /run/netns/$ns ]] && ip netns del "$ns"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link set "$ns" netns "$ns"
  ip netns exec "$ns" sysctl -q -w "net.ipv6.conf.$ns.disable_ipv6=1"
  ip -n "$ns" addr add "$host" dev "$ns"
  ip -n "$ns" link set "$ns" up
  ip -n "$ns" route add default via "$via" dev "$ns"
}

# Counts, in a site's kernel, the echo requests of each demo node (by ping identifier).
count_pings() {
  local ns=$1 tenant
  ip netns exec "$ns" nft add table ip mvdemo
  ip netns exec "$ns" nft 'add chain ip mvdemo in { type filter hook input priority filter ; }'
  for tenant in "${TENANTS[@]}"; do
    ip netns exec "$ns" nft add rule ip mvdemo in icmp type echo-request \
      icmp id "${PING_ID[$tenant]}" counter comment "\"from-$tenant\""
  done
}

pings_from() {
  ip netns exec "$1" nft list chain ip mvdemo in |
    sed -n "s/.*packets \([0-9]*\) .*from-$2.*/\1/p"
}

status() {
  local tenant
  echo "---- $(date -u +%T) mvpn:demo"
  mvpn_shell "mvpn:demo"
  for tenant in "${TENANTS[@]}"; do
    echo "---- site $tenant: ip -s link show mvdemo-$tenant (in namespace mvdemo-$tenant)"
    ip -n "mvdemo-$tenant" -s link show dev "mvdemo-$tenant"
  done
}

summary() {
  local ok=0 tenant other answered own foreign
  echo "==== mvpn:interfaces"
  mvpn_shell "mvpn:interfaces"
  echo "==== mvpn:bindings"
  mvpn_shell "mvpn:bindings"
  status
  echo "==== summary"
  for tenant in "${TENANTS[@]}"; do
    answered=$(ip netns exec "mvdemo-$tenant" cat /proc/net/snmp |
      awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 } else print $col["OutEchoReps"] }')
    own=$(pings_from "mvdemo-$tenant" "$tenant")
    foreign=0
    for other in "${TENANTS[@]}"; do
      [[ $other == "$tenant" ]] || foreign=$((foreign + $(pings_from "mvdemo-$tenant" "$other")))
    done
    echo "site $tenant: host $SITE_HOST answered $answered echo requests;" \
      "from $tenant's node $own, from other tenants' nodes $foreign"
    if ((answered == 0 || own == 0 || foreign != 0)); then
      ok=1
    fi
  done
  local ha
  for ha in 198.51.100.10 198.51.100.20; do
    if ip netns exec "$ACCESS" ping -c 2 -W 2 -q "$ha" >/dev/null; then
      echo "access: home agent $ha answered from the access network"
    else
      echo "access: home agent $ha did not answer from the access network"
      ok=1
    fi
  done
  if ((ok == 0)); then
    echo "result: both sites' hosts answered their own tenant's node, no cross-tenant packets"
  else
    echo "result: FAILED"
  fi
  return $ok
}

trap cleanup EXIT
trap 'exit 130' INT TERM
cleanup # a killed run's leftovers
MVPN_HOME=""

[[ -n "${MVPN_ARCHIVE:-}" ]] || mvpn_build_if_needed
mvpn_unpack "$RUN_DIR"
mvpn_ports 18301 11299 44644
for tenant in "${TENANTS[@]}"; do
  mvpn_etc_set "io.mvpn.interface-$tenant-lan.cfg" transport "tun:mvdemo-$tenant,mtu=$MTU"
done
mvpn_etc_write io.mvpn.interface-public-access.cfg <<EOF
# The access network of the real-network demo: a TUN device into the namespace $ACCESS.
name = public-access
vrf = public
address = 198.51.100.253/30
transport = tun:$ACCESS,mtu=$MTU
EOF
# The demo starts once the devices are in their namespaces, so its first ping finds the host.
demo_cfg=$(cat "$MVPN_HOME/etc/io.mvpn.demo.cfg")
mvpn_etc_drop io.mvpn.demo.cfg

mvpn_log "starting the appliance in $MVPN_HOME (shell: port $MVPN_SSH_PORT, user mvpn)"
mvpn_start
deadline=$((SECONDS + 120))
for dev in "${TENANTS[@]/#/mvdemo-}" "$ACCESS"; do
  until ip link show dev "$dev" >/dev/null 2>&1; do
    if ((SECONDS > deadline)) || ! kill -0 "$MVPN_PID" 2>/dev/null; then
      mvpn_log "the appliance made no device $dev; see $RUN_DIR/console.log and data/log/karaf.log"
      exit 1
    fi
    sleep 0.5
  done
done
for tenant in "${TENANTS[@]}"; do
  attach "mvdemo-$tenant" "$SITE_HOST/16" 10.1.0.1
  count_pings "mvdemo-$tenant"
done
attach "$ACCESS" 198.51.100.254/30 198.51.100.253

mvpn_log "sites up; starting the roaming demo with the sites' real hosts as correspondents"
printf '%s\nrealSites = true\n' "$demo_cfg" >"$MVPN_HOME/etc/io.mvpn.demo.cfg"
mvpn_await_shell "mvpn:demo" "acme .*yes" 90 >/dev/null

if ((duration > 0)); then
  sleep "$duration"
  summary
else
  mvpn_log "running; Ctrl-C stops and removes everything"
  while true; do
    status
    sleep 5
  done
fi
