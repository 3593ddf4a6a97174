#!/bin/bash
# The ESP gateway path: one strongSwan road warrior on kernel-libipsec (userspace ESP, ESP-in-UDP/4500,
# inner MTU 1400, AES-256-GCM) measured in one run against two gateways in the same place between the
# same client and server namespaces, one after the other:
#   1. mvpn's security gateway (outside on a TUN toward the client, inside on a TUN toward the server)
#      with its IKE responder, the appliance run from the Karaf assembly with etc/ cfg files;
#   2. a strongSwan charon on kernel-libipsec as the gateway (bench-strongswan.sh's), on veth links.
# The client's connection is the same for both: certificate and key from "mvpn:ca issue --p12", the CA
# from "mvpn:ca export"; the strongSwan gateway's certificate comes from the same CA. Prints
# "RESULT peer=mvpn-gateway ..." and "RESULT peer=strongswan-gateway ..." lines (cpu% gw_* is the
# gateway: Karaf's JVM or charon; mn_charon the client).
#
#   netns pbg-mn (client)                 gateway                                  netns pbg-srv (server)
#   198.51.100.10/24, vip 10.2.0.10  ---  198.51.100.1 | 10.1.0.254  ---  10.1.0.1/24 (iperf3 -s), 10.2.0.10 via 10.1.0.254
#   1: TUN pbg-out (mtu 1500)   <- Karaf in netns pbg-app, VRFs gw1-outside | gw1-inside ->   TUN pbg-in (mtu 1400)
#   2: veth pbg-vm              <- charon in netns pbg-sgw, ipsec0, kernel forwarding     ->   veth pbg-vs
WARMUP=${WARMUP:-5}   # untimed seconds through each gateway first: mvpn's JIT compiles its path there
PB_DIR=$(cd "$(dirname "$0")" && pwd); . "$PB_DIR/common.sh"; . "$PB_DIR/mvpn.sh"
pb_bound "$@"
pb_need ip iperf3 ss timeout java tar swanctl /usr/lib/ipsec/charon /usr/bin/python3
GW_OUT=198.51.100.1; GW_IN=10.1.0.254; MN=198.51.100.10; VIP=10.2.0.10; SRV=10.1.0.1
ESP=aes256gcm16; IKE=aes256gcm16-prfsha384-ecp256; P12PW=peerbench
MVPN_TUN_OPTS=${MVPN_TUN_OPTS:-}   # appended to both TUN transports, e.g. ",queues=2" or ",offload=off"
MVPN_ESP_THREADS=${MVPN_ESP_THREADS:-0}   # the gateway's espThreads: SAs sealed and opened on that many threads
MVPN_ESP_ON_GATEWAY=${MVPN_ESP_ON_GATEWAY:-false}   # espOnGatewayThread: the gateway's thread owns a share too
MVPN_ESP_ON_READERS=${MVPN_ESP_ON_READERS:-false}   # espOnReaders: inbound ESP opened on the outside TUN's readers
MVPN_CPUS=${MVPN_CPUS:-}   # e.g. "1" or "0,1": the container's threads kept on those CPUs (taskset), all by default
GWS=${GATEWAYS:-"mvpn strongswan"}   # GATEWAYS="mvpn" or "strongswan" measures one of them
# OUTSIDE=gro: the client reaches each gateway through the same router namespace, as from a NIC,
# whose veth toward the client has GRO and UDP GRO forwarding on: the kernel may then hand mvpn's
# outside TUN whole UDP super-packets (GSO_UDP_L4) of the client's ESP-in-UDP, and strongSwan's
# gateway, whose UDP socket does not ask for GRO, gets them split again by its kernel. Default
# (direct): the client's namespace holds mvpn's outside TUN, and a veth to strongSwan's gateway.
# (MVPN_OUTSIDE is the older name of the same setting.)
OUTSIDE=${OUTSIDE:-${MVPN_OUTSIDE:-direct}}
NS_RT=pbg-rt

peer_cleanup() { local d; for d in pbg-out pbg-in; do ip link del "$d" 2>/dev/null; done; return 0; }
NS_APP=pbg-app; NS_MN=pbg-mn; NS_GW=pbg-srv; NS_SGW=pbg-sgw   # pb_measure: client NS_MN, server NS_GW
pb_ns_purge "$NS_APP" "$NS_MN" "$NS_GW" "$NS_SGW" "$NS_RT"
[ "$KEEP" = 1 ] || rm -rf "${TMPDIR:-/tmp}"/peerbench-pbg.??????
W=$(mktemp -d -t peerbench-pbg.XXXXXX) || pb_die "mktemp failed"
trap pb_cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
peer_cleanup
for ns in "$NS_APP" "$NS_MN" "$NS_GW" "$NS_SGW" $([ "$OUTSIDE" = gro ] && echo "$NS_RT"); do
  ip netns add "$ns" && PB_NS+=("$ns") || pb_die "netns add $ns"
  ip -n "$ns" link set lo up
done

# charon_conf <dir> <plugins...>: strongswan.conf and swanctl dirs of one charon
charon_conf() {
  local d=$1; shift
  mkdir -p "$d/run" "$d/swanctl/x509" "$d/swanctl/x509ca" "$d/swanctl/private" "$d/swanctl/pkcs12"
  cat > "$d/strongswan.conf" <<EOC
charon {
  load_modular = no
  load = random nonce openssl pem pkcs1 pkcs7 pkcs8 pkcs12 x509 revocation constraints pubkey gcm aes sha1 sha2 hmac kdf curve25519 gmp kernel-libipsec kernel-netlink socket-default vici updown $*
  plugins { vici { socket = unix://$d/charon.vici } }
  filelog { log { path = $d/charon.log
                  time_format = %H:%M:%S
                  default = 1
                  flush_line = yes } }
  syslog { daemon { default = -1 } }
}
EOC
}
# charon_start <dir> <netns>: charon in the private mount ns of "ip netns exec", /run bound to <dir>/run
charon_start() {
  pb_bg "$1/charon.stdout" ip netns exec "$2" sh -c \
    "mount --bind '$1/run' /run && exec env STRONGSWAN_CONF='$1/strongswan.conf' /usr/lib/ipsec/charon"
  CHARON_PID=$PB_LASTPID
  pb_wait_for 10 "[ -S '$1/charon.vici' ]" || pb_die "charon did not start (see $1/charon.log)"
  SWANCTL_DIR="$1/swanctl" timeout 20 swanctl --load-all --uri "unix://$1/charon.vici" >"$1/load.log" 2>&1 \
    || pb_die "swanctl --load-all ($1) failed: $(grep -iE 'fail|error' "$1/load.log" | head -3)"
}
swan() { local d=$1; shift; timeout 30 swanctl "$@" --uri "unix://$d/charon.vici"; }

# the client: asks for a virtual address (its home address), proves mn.peerbench.test
client_up() {
  swan "$W/mn" --initiate --child net --ike gw >"$W/initiate-$1.log" 2>&1 \
    || { pb_log "initiate against $1 failed: $(tail -4 "$W/initiate-$1.log" | tr '\n' ' ')"; return 1; }
  pb_log "$1: $(grep -E 'selected proposal: ESP|CHILD_SA .* established|installing new virtual IP' "$W/initiate-$1.log" | sed 's/^\[[A-Z]*\] //' | tr '\n' ' ')"
  ip netns exec "$NS_MN" ping -c 3 -i 0.2 -W 2 -I "$VIP" "$SRV" >/dev/null || { pb_log "$1: no ping through the tunnel"; return 1; }
}
client_down() {
  swan "$W/mn" --terminate --ike gw >/dev/null 2>&1
  [ -n "${IPERF_SRV:-}" ] && pb_kill_pids "$IPERF_SRV"; IPERF_SRV=""
}

# outside_router <device toward the gateway, in NS_RT>: client --veth--> router (GRO, UDP GRO
# forwarding, proxy ARP both ways) --device--> gateway's outside address
outside_router() {
  ip link add pbg-vm netns "$NS_MN" type veth peer name pbg-vr netns "$NS_RT" || pb_die "veth"
  ip -n "$NS_MN" addr add "$MN/24" dev pbg-vm; ip -n "$NS_MN" link set pbg-vm up
  ip -n "$NS_RT" addr add 198.51.100.254/24 dev pbg-vr; ip -n "$NS_RT" link set pbg-vr up
  ip netns exec "$NS_RT" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.pbg-vr.proxy_arp=1 "net.ipv4.conf.$1.proxy_arp=1"
  ip netns exec "$NS_RT" ethtool -K pbg-vr gro on rx-udp-gro-forwarding on \
    || pb_log "ethtool could not turn UDP GRO forwarding on: the gateway gets single datagrams"
  # A veth's NAPI poll runs as each datagram is sent, so GRO would hold one at a time: keep what it
  # holds for up to GRO_FLUSH_NS (as a NIC's interrupt coalescing would) so that it joins more.
  ip netns exec "$NS_RT" sh -c "echo ${GRO_FLUSH_NS:-${MVPN_GRO_FLUSH_NS:-200000}} > /sys/class/net/pbg-vr/gro_flush_timeout \
    && echo 2 > /sys/class/net/pbg-vr/napi_defer_hard_irqs" || pb_log "cannot set pbg-vr's gro_flush_timeout"
  ip -n "$NS_RT" link set "$1" up
  ip -n "$NS_RT" route add "$GW_OUT/32" dev "$1"
}

# the appliance with the gateway and its responder; its devices moved to the client and the server
appliance_up() {
  mv_unpack "$NS_APP"
  mv_etc io.mvpn.securitygateway-gw1.cfg "name = gw1
outside.address = $GW_OUT/24
outside.transport = tun:pbg-out,mtu=1500$MVPN_TUN_OPTS
inside.address = $GW_IN/24
inside.transport = tun:pbg-in,mtu=1400$MVPN_TUN_OPTS
espThreads = ${MVPN_ESP_THREADS:-0}
espOnGatewayThread = $MVPN_ESP_ON_GATEWAY
espOnReaders = $MVPN_ESP_ON_READERS"
  mv_etc io.mvpn.ike.gateway-gw1ike.cfg "name = gw1ike
gateway.target = (mvpn.gateway=gw1)
protect = 10.1.0.0/24
nodes = mn.peerbench.test=$VIP"
  mv_start
  if [ -n "$MVPN_CPUS" ]; then
    taskset -a -p -c "$MVPN_CPUS" "$MV_JAVA" >/dev/null || pb_die "taskset -c $MVPN_CPUS failed"
  fi
  mv_await "$MVPN_READY_TIME" "mvpn:interfaces" "tun:pbg-in" && mv_await 60 "mvpn:interfaces" "tun:pbg-out" \
    || pb_die "the gateway's interfaces did not come up; see $KARAF_HOME/data/log/karaf.log"
  mv_await 60 "mvpn:ike sas" "gw1ike" || pb_log "mvpn:ike sas does not list gw1ike"
  if [ "$OUTSIDE" = gro ]; then
    mv_move_tun pbg-out "$NS_RT"
    outside_router pbg-out
  else
    mv_move_tun pbg-out "$NS_MN"
    ip -n "$NS_MN" addr add "$MN/24" dev pbg-out
  fi
  mv_move_tun pbg-in "$NS_GW"
  ip -n "$NS_GW" addr add "$SRV/24" dev pbg-in
  ip -n "$NS_GW" route add "$VIP/32" via "$GW_IN"
  ip netns exec "$NS_MN" ping -c 2 -i 0.2 -W 2 "$GW_OUT" >/dev/null || pb_log "the gateway's outside does not answer ping"
}

measure_mvpn() {
  if ! client_up mvpn; then
    pb_log "mvpn:ike sas: $(mv_shell 'mvpn:ike sas' | tr -s ' ' | tr '\n' '|')"
    pb_log "mvpn:sa counters: $(mv_shell 'mvpn:sa counters' | tr -s ' ' | tr '\n' '|')"
    pb_log "karaf.log: $(grep -iE 'ike|gw1|WARN|ERROR' "$KARAF_HOME/data/log/karaf.log" | tail -15)"
    return 1
  fi
  pb_log "mvpn:ike sas: $(mv_shell 'mvpn:ike sas' | tr -s ' ' | tr '\n' '|')"
  MON=("gw_karaf:$MV_JAVA" "mn_charon:$MN_CHARON")
  mv_jfr_start
  pb_measure mvpn-gateway "$SRV" "$VIP" "mtu=1400 esp=$ESP/udp-encap client=strongswan-libipsec tun=${MVPN_TUN_OPTS:-default} esp_threads=$MVPN_ESP_THREADS esp_on_gateway=$MVPN_ESP_ON_GATEWAY esp_on_readers=$MVPN_ESP_ON_READERS cpus=${MVPN_CPUS:-all} outside=$OUTSIDE $(mv_note)"
  mv_jfr_stop
  # Rx/Tx per TUN interface and what offload did: reads and writes the system calls carried
  pb_log "mvpn:interfaces: $(mv_shell 'mvpn:interfaces' | tr -s ' ' | tr '\n' '|')"
  pb_log "mvpn:sa counters: $(mv_shell 'mvpn:sa counters' | tr -s ' ' | tr '\n' ' ')"
}

measure_strongswan() {
  if [ "$OUTSIDE" = gro ]; then
    ip link add pbg-rg netns "$NS_RT" type veth peer name pbg-vg netns "$NS_SGW" || pb_die "veth"
    outside_router pbg-rg
  else
    ip link add pbg-vm netns "$NS_MN" type veth peer name pbg-vg netns "$NS_SGW" || pb_die "veth"
    ip -n "$NS_MN" addr add "$MN/24" dev pbg-vm; ip -n "$NS_MN" link set pbg-vm up
  fi
  ip link add pbg-vs netns "$NS_GW" type veth peer name pbg-vi netns "$NS_SGW" || pb_die "veth"
  ip -n "$NS_SGW" addr add "$GW_OUT/24" dev pbg-vg
  ip -n "$NS_GW" addr add "$SRV/24" dev pbg-vs; ip -n "$NS_SGW" addr add "$GW_IN/24" dev pbg-vi
  for l in "$NS_SGW pbg-vg" "$NS_GW pbg-vs" "$NS_SGW pbg-vi"; do ip -n ${l% *} link set ${l#* } up; done
  ip -n "$NS_GW" route add "$VIP/32" via "$GW_IN"
  ip netns exec "$NS_SGW" sysctl -qw net.ipv4.ip_forward=1
  charon_conf "$W/sgw" attr
  cp "$W/pki/ca.pem" "$W/sgw/swanctl/x509ca/"
  cp "$W/pki/sgw/sgw.peerbench.test.crt" "$W/sgw/swanctl/x509/"
  cp "$W/pki/sgw/sgw.peerbench.test.key" "$W/sgw/swanctl/private/"
  cat > "$W/sgw/swanctl/swanctl.conf" <<EOC
connections {
  gw {
    version = 2
    local_addrs = $GW_OUT
    proposals = $IKE
    pools = mnpool
    local { auth = pubkey
            certs = sgw.peerbench.test.crt
            id = $GW_OUT }
    remote { auth = pubkey
             id = mn.peerbench.test
             cacerts = ca.pem }
    children { net { mode = tunnel
                     local_ts = 10.1.0.0/24
                     esp_proposals = $ESP } }
  }
}
pools { mnpool { addrs = $VIP/32 } }
EOC
  charon_start "$W/sgw" "$NS_SGW"; local sgw=$CHARON_PID
  client_up strongswan || return 1
  MON=("gw_charon:$sgw" "mn_charon:$MN_CHARON")
  pb_measure strongswan-gateway "$SRV" "$VIP" "mtu=1400 esp=$ESP/udp-encap client=strongswan-libipsec outside=$OUTSIDE ver=$(dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null)"
}

# ---- the appliance issues every credential: the client's PKCS#12, the CA, the strongSwan gateway's
mkdir -p "$W/pki"
charon_conf "$W/mn"
cat > "$W/mn/swanctl/swanctl.conf" <<EOC
connections {
  gw {
    version = 2
    remote_addrs = $GW_OUT
    vips = 0.0.0.0
    proposals = $IKE
    local { auth = pubkey
            id = mn.peerbench.test }
    remote { auth = pubkey
             id = $GW_OUT }
    children { net { mode = tunnel
                     remote_ts = 10.1.0.0/24
                     esp_proposals = $ESP } }
  }
}
secrets { pkcs12-mn { file = mn.p12
                      secret = "$P12PW" } }
EOC

# The container runs first in any case: its CA issues every credential.
appliance_up
mv_shell "mvpn:ca export --out $W/pki/ca.pem" >"$W/pki/ca.log"
mv_shell "mvpn:ca issue mn.peerbench.test --dns mn.peerbench.test --p12 $W/pki/mn.p12 --password $P12PW" >>"$W/pki/ca.log"
mv_shell "mvpn:ca issue sgw.peerbench.test --ip $GW_OUT --pem $W/pki/sgw" >>"$W/pki/ca.log"
[ -s "$W/pki/ca.pem" ] && [ -s "$W/pki/mn.p12" ] && [ -s "$W/pki/sgw/sgw.peerbench.test.crt" ] \
  || pb_die "the appliance CA issued no credentials: $(tr '\n' ' ' <"$W/pki/ca.log")"
cp "$W/pki/ca.pem" "$W/mn/swanctl/x509ca/"; cp "$W/pki/mn.p12" "$W/mn/swanctl/pkcs12/"
charon_start "$W/mn" "$NS_MN"; MN_CHARON=$CHARON_PID

rc=0
if [[ " $GWS " == *" mvpn "* ]]; then
  measure_mvpn || { pb_log "FAILED: mvpn's gateway carried no traffic (details above, logs in $W)"; rc=1; }
  client_down
fi
# the appliance goes before strongSwan's gateway is measured (its devices go with it)
pb_kill_pids "$MV_JAVA"; peer_cleanup; ip -n "$NS_MN" link del pbg-out 2>/dev/null; ip -n "$NS_GW" link del pbg-in 2>/dev/null
ip -n "$NS_MN" link del pbg-vm 2>/dev/null   # OUTSIDE=gro's veth to the router; strongSwan's gateway makes its own
if [[ " $GWS " == *" strongswan "* ]]; then
  measure_strongswan || { pb_log "FAILED: strongSwan's gateway carried no traffic (logs in $W)"; rc=1; }
fi
exit $rc
