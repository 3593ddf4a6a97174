#!/bin/bash
# mvpn routing between real networks: a tenant site reaches the public side through the appliance,
# as an operator sets it up. The tenant's LAN interface (VRF acme) and the backbone's uplink are
# TUN devices (transport tun:), the site's traffic leaves its tenant VRF by the backbone's default
# route and is translated by the NAPT to its public address. No tunnel, no cipher: this measures the
# appliance's forwarding (TUN read, VRF lookup, NAPT, TUN write), to set beside bench-veth.sh (the
# kernel's path between the same kind of namespaces). Prints "RESULT peer=mvpn-routing ..." lines.
#
#   netns pbm-site (tenant site)      netns pbm-app (Karaf)                      netns pbm-pub (public side)
#   pbm-lan 10.1.0.10/24  ==TUN==  acme-site 10.1.0.1/24 [acme] -> [backbone]  ==TUN==  pbm-pub 203.0.113.10/24
#   default via 10.1.0.1              NAPT 10.1.0.10:p -> 203.0.113.77:q, uplink 203.0.113.1/24   iperf3 -s
#
# UDP with a 1400-byte payload is IP-fragmented at the site (inner MTU 1400) and the NAPT drops
# fragments (they carry no port), so udp1400 measures that drop, not a rate.
PB_DIR=$(cd "$(dirname "$0")" && pwd); . "$PB_DIR/common.sh"; . "$PB_DIR/mvpn.sh"
pb_bound "$@"
pb_need ip iperf3 ss timeout java tar /usr/bin/python3
TUN_MTU=${TUN_MTU:-1400}
SITE=10.1.0.10; SITE_GW=10.1.0.1; PUB=203.0.113.10; UPLINK=203.0.113.1; NAPT_ADDR=203.0.113.77
DEV_LAN=pbm-lan; DEV_PUB=pbm-pub

peer_cleanup() {   # devices of a run that died before the container closed them
  local d; for d in $DEV_LAN $DEV_PUB; do ip link del "$d" 2>/dev/null; done; return 0
}
NS_APP=pbm-app; NS_MN=pbm-site; NS_GW=pbm-pub
pb_ns_purge "$NS_APP" "$NS_MN" "$NS_GW"
[ "$KEEP" = 1 ] || rm -rf "${TMPDIR:-/tmp}"/peerbench-pbm.??????
W=$(mktemp -d -t peerbench-pbm.XXXXXX) || pb_die "mktemp failed"
trap pb_cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
peer_cleanup
for ns in "$NS_APP" "$NS_MN" "$NS_GW"; do
  ip netns add "$ns" && PB_NS+=("$ns") || pb_die "netns add $ns"
  ip -n "$ns" link set lo up
done

mv_unpack "$NS_APP"
mv_etc io.mvpn.tenant-acme.cfg "mvpn.tenant = acme
homeRealms = 10.1.0.0/16"
mv_etc io.mvpn.interface-acme-site.cfg "name = acme-site
vrf = acme
address = $SITE_GW/24
transport = tun:$DEV_LAN,mtu=$TUN_MTU"
mv_etc io.mvpn.napt.cfg "publicAddress = $NAPT_ADDR
firstPort = 40000
lastPort = 49999"
mv_etc io.mvpn.backbone.cfg "msmAddress = 198.51.100.53
tenants = acme"
mv_etc io.mvpn.interface-uplink.cfg "name = uplink
vrf = backbone
address = $UPLINK/24
transport = tun:$DEV_PUB,mtu=$TUN_MTU"
mv_start
mv_await "$MVPN_READY_TIME" "mvpn:interfaces" "tun:$DEV_LAN" && mv_await 60 "mvpn:interfaces" "tun:$DEV_PUB" \
  || pb_die "the interfaces did not come up; see $KARAF_HOME/data/log/karaf.log"
mv_await 60 "mvpn:backbone" "napt.*bound|NAPT.*bound|bound" || pb_log "mvpn:backbone does not say the NAPT is bound"
pb_log "$(mv_shell mvpn:backbone | head -5 | tr '\n' ' ')"

mv_move_tun "$DEV_LAN" "$NS_MN"
ip -n "$NS_MN" link set "$DEV_LAN" mtu "$TUN_MTU"
ip -n "$NS_MN" addr add "$SITE/24" dev "$DEV_LAN"
ip -n "$NS_MN" route add default via "$SITE_GW"
mv_move_tun "$DEV_PUB" "$NS_GW"
ip -n "$NS_GW" link set "$DEV_PUB" mtu "$TUN_MTU"
ip -n "$NS_GW" addr add "$PUB/24" dev "$DEV_PUB"     # the NAPT's address is on this link
for ns in "$NS_MN" "$NS_GW"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done

ip netns exec "$NS_MN" ping -c 3 -i 0.2 -W 2 "$PUB" >/dev/null || {
  pb_log "$(mv_shell 'mvpn:interfaces' | tr -s ' ' | head -20)"; pb_die "no ping from the site to the public side"; }
pb_log "site -> public through the NAPT: ping ok"

MON=("karaf:$MV_JAVA")
mv_jfr_start
pb_measure mvpn-routing "$PUB" "$SITE" "mtu=$TUN_MTU path=tun>acme>napt>backbone>tun $(mv_note)"
mv_jfr_stop
pb_log "$(mv_shell 'mvpn:napt' | grep -iE 'translated|refused|dropped|malformed' | tr -s ' ' | tr '\n' ' ')"
