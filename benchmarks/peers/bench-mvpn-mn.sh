#!/bin/bash
# mvpn's own VPN end to end: the mobile node for a Linux host, mvpn-mn in mode vpn (its own IKEv2
# initiator, ESP in UDP 4500, AES-256-GCM, userspace, a TUN for the home address), against the
# appliance's security gateway with its IKE responder and the tenant's home agent (userspace, TUN
# devices toward both hosts). Same client and server addresses, iperf3 runs and CPU accounting as the
# other peers; cpu% gw_karaf is the appliance's JVM, mn_java the node's.
#
#   netns pbn-mn (laptop)                      netns pbn-app: Karaf            netns pbn-srv (site + DMZ router)
#   mvpn-mn: TUN pbn-home 10.2.0.10       gw1-outside | gw1-inside             10.1.0.1/24 on pbn-in (iperf3 -s)
#   access pbn-out 198.51.100.10/24 ---   198.51.100.1 | 10.1.0.254   ---      10.2.0.10 via 10.1.0.254
#                                         public: home agent 203.0.113.10 ---  203.0.113.1/24 on pbn-ha
# The node registers with the home agent through its tunnel (Mobile IP inside ESP); the home agent
# in the public VRF is reached through the site's kernel (its DMZ router here), which routes the home
# address back to the gateway's inside, as a site routes its road warriors' addresses. The iperf3
# traffic goes laptop <-> gateway <-> site; the home agent only sees the registration and its SIU.
# The appliance's CA issues the node's PKCS#12 and the CA certificate it checks the gateway with.
# Knobs as for the others, and MVPN_MN_HOME (the installation tree, default
# mobile-node/target/mvpn-mn of this checkout), MVPN_MN_JAVA_OPTS (passed to the node's JVM),
# MVPN_MN_JFR=/path/x.jfr (records the node's JVM with Flight Recorder while it is measured, into x-<peer>.jfr),
# MVPN_MN_LABEL (the RESULT lines' peer, default mvpn-mn), MVPN_MN_BEFORE=<tree> (another tree,
# measured first against the same appliance as peer mvpn-mn-before).
WARMUP=${WARMUP:-5}   # untimed seconds first: both JVMs' JIT compiles the path there
PB_DIR=$(cd "$(dirname "$0")" && pwd); . "$PB_DIR/common.sh"; . "$PB_DIR/mvpn.sh"
pb_bound "$@"
pb_need ip iperf3 ss timeout java tar /usr/bin/python3
MVPN_MN_HOME=${MVPN_MN_HOME:-$MV_REPO/mobile-node/target/mvpn-mn}
[ -x "$MVPN_MN_HOME/bin/mvpn-mn" ] && [ -r "$MVPN_MN_HOME/lib/mvpn-mn.jar" ] \
  || pb_die "no mvpn-mn in $MVPN_MN_HOME (build it: ./mvnw -B -q -o package -DskipTests -pl mobile-node -am, or set MVPN_MN_HOME)"
GW_OUT=198.51.100.1; GW_IN=10.1.0.254; MN=198.51.100.10; HOME_ADDR=10.2.0.10; SRV=10.1.0.1
HA=203.0.113.10; DMZ_ROUTER=203.0.113.1
ESP=aes256gcm16; IKE=aes256gcm16-prfsha384-ecp256; P12PW=peerbench
# MN-HA and gateway-HA keys of this run only (inline in the cfg: the appliance warns about it)
MN_HA_KEY=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n'); SIU_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')

peer_cleanup() { local d; for d in pbn-out pbn-in pbn-ha; do ip link del "$d" 2>/dev/null; done; return 0; }
NS_APP=pbn-app; NS_MN=pbn-mn; NS_GW=pbn-srv   # pb_measure: client NS_MN, server NS_GW
pb_ns_purge "$NS_APP" "$NS_MN" "$NS_GW"
[ "$KEEP" = 1 ] || rm -rf "${TMPDIR:-/tmp}"/peerbench-pbn.??????
W=$(mktemp -d -t peerbench-pbn.XXXXXX) || pb_die "mktemp failed"
trap pb_cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
peer_cleanup
for ns in "$NS_APP" "$NS_MN" "$NS_GW"; do
  ip netns add "$ns" && PB_NS+=("$ns") || pb_die "netns add $ns"
  ip -n "$ns" link set lo up
done

# ---- the appliance: tenant pbn with its home agent, the security gateway and its responder
mv_unpack "$NS_APP"
mv_etc io.mvpn.tenant-pbn.cfg "mvpn.tenant = pbn
homeRealms = 10.2.0.0/24"
mv_etc io.mvpn.interface-pbn-lan.cfg "name = pbn-lan
vrf = pbn
address = 10.2.0.1/24
transport = mem:pbn-lan"
mv_etc io.mvpn.interface-pbn-ha.cfg "name = pbn-ha
vrf = public
address = $HA/24
transport = tun:pbn-ha,mtu=1500
routes = 10.0.0.0/8 via $DMZ_ROUTER"
mv_etc io.mvpn.homeagent-pbn.cfg "mvpn.tenant = pbn
tenant.target = (mvpn.tenant=pbn)
address = $HA
homeInterface = pbn-lan
mobileNodes = $HOME_ADDR 1000 hmac-sha256 $MN_HA_KEY
securityGateways = $GW_IN 4000 hmac-sha256 $SIU_KEY"
mv_etc io.mvpn.securitygateway-gw1.cfg "name = gw1
outside.address = $GW_OUT/24
outside.transport = tun:pbn-out,mtu=1500
inside.address = $GW_IN/24
inside.transport = tun:pbn-in,mtu=1400
inside.routes = 203.0.113.0/24 via $SRV
homeAgents = $HA 4000 hmac-sha256 $SIU_KEY"
mv_etc io.mvpn.ike.gateway-gw1ike.cfg "name = gw1ike
gateway.target = (mvpn.gateway=gw1)
protect = 10.1.0.0/24, $HA/32
nodes = mn.peerbench.test=$HOME_ADDR"
mv_start
mv_await "$MVPN_READY_TIME" "mvpn:interfaces" "tun:pbn-in" && mv_await 60 "mvpn:interfaces" "tun:pbn-out" \
  && mv_await 60 "mvpn:interfaces" "tun:pbn-ha" \
  || pb_die "the appliance's interfaces did not come up; see $KARAF_HOME/data/log/karaf.log"
mv_await 60 "mvpn:ike sas" "gw1ike" || pb_log "mvpn:ike sas does not list gw1ike"
mv_move_tun pbn-out "$NS_MN"
ip -n "$NS_MN" addr add "$MN/24" dev pbn-out
mv_move_tun pbn-in "$NS_GW"
ip -n "$NS_GW" addr add "$SRV/24" dev pbn-in
mv_move_tun pbn-ha "$NS_GW"
ip -n "$NS_GW" addr add "$DMZ_ROUTER/24" dev pbn-ha
ip -n "$NS_GW" route add "$HOME_ADDR/32" via "$GW_IN"
ip netns exec "$NS_GW" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
ip netns exec "$NS_MN" ping -c 2 -i 0.2 -W 2 "$GW_OUT" >/dev/null || pb_log "the gateway's outside does not answer ping"

mkdir -p "$W/pki"
mv_shell "mvpn:ca export --out $W/pki/ca.pem" >"$W/pki/ca.log"
mv_shell "mvpn:ca issue mn.peerbench.test --dns mn.peerbench.test --p12 $W/pki/mn.p12 --password $P12PW" >>"$W/pki/ca.log"
[ -s "$W/pki/ca.pem" ] && [ -s "$W/pki/mn.p12" ] || pb_die "the appliance CA issued no credentials: $(tr '\n' ' ' <"$W/pki/ca.log")"

# ---- the node: mvpn-mn up in the laptop's namespace, in the foreground (its PID is the JVM's)
cat > "$W/mn.yaml" <<EOC
mode: vpn
accessInterface: pbn-out
homeAddress: $HOME_ADDR
homeAgent: $HA
spi: 1000
algorithm: hmac-sha256
key: $MN_HA_KEY
tunDevice: pbn-home
mtu: ${TUN_MTU:-1400}
routes: [10.1.0.0/24]
control: $W/mn.sock
gateway: $GW_OUT
identity: mn.peerbench.test
certificate: $W/pki/mn.p12
certificatePassword: $P12PW
caCertificate: $W/pki/ca.pem
ikeProposal: $IKE
espProposal: $ESP
EOC
# node_run <label> <tree>: the node from installation tree <tree> up, registered and measured as
# peer <label>, then down (it deregisters and deletes its IKE SA) with the iperf3 server
node_run() {
  local label=$1 tree=$2 mn_java
  mn_cmd() { timeout 30 ip netns exec "$NS_MN" env JAVA_HOME="$JAVA_HOME" "$tree/bin/mvpn-mn" "$@" --config "$W/mn.yaml" 2>&1; }
  pb_bg "$W/$label.log" ip netns exec "$NS_MN" env JAVA_HOME="$JAVA_HOME" MVPN_MN_JAVA_OPTS="${MVPN_MN_JAVA_OPTS:-}" \
    "$tree/bin/mvpn-mn" up --config "$W/mn.yaml"
  mn_java=$PB_LASTPID
  pb_wait_for 60 "mn_cmd status | grep -q '^state: registered'" || {
    pb_log "$label did not register: $(mn_cmd status | tr '\n' '|')"
    pb_log "$label log: $(tail -15 "$W/$label.log")"
    pb_log "mvpn:ike sas: $(mv_shell 'mvpn:ike sas' | tr -s ' ' | tr '\n' '|')"
    pb_log "mvpn:sa counters: $(mv_shell 'mvpn:sa counters' | tr -s ' ' | tr '\n' '|')"
    pb_log "karaf.log: $(grep -iE 'ike|gw1|home agent|WARN|ERROR' "$KARAF_HOME/data/log/karaf.log" | tail -15)"
    return 1
  }
  pb_log "$label: $(mn_cmd status | grep -E '^(state|tunnel|care-of-address):' | tr '\n' ' ')$(grep -o 'sockets on .*' "$W/$label.log" | head -1)"
  ip netns exec "$NS_MN" ping -c 3 -i 0.2 -W 2 -I "$HOME_ADDR" "$SRV" >/dev/null || { pb_log "$label: no ping through the tunnel"; return 1; }

  MON=("gw_karaf:$MV_JAVA" "mn_java:$mn_java")
  mv_jfr_start
  [ -z "${MVPN_MN_JFR:-}" ] || jcmd "$mn_java" JFR.start name=bench settings=profile >/dev/null
  pb_measure "$label" "$SRV" "$HOME_ADDR" \
    "mtu=${TUN_MTU:-1400} esp=$ESP/udp-encap client=mvpn-mn-vpn $(mv_note) mn_java=$("$(readlink -f /proc/$mn_java/exe)" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1)"
  [ -z "${MVPN_MN_JFR:-}" ] || { jcmd "$mn_java" JFR.dump name=bench filename="${MVPN_MN_JFR%.jfr}-$label.jfr" >/dev/null && pb_log "node's flight recording: ${MVPN_MN_JFR%.jfr}-$label.jfr"; }
  mv_jfr_stop
  pb_log "$label status: $(mn_cmd status | tr '\n' '|')"
  pb_log "mvpn:interfaces: $(mv_shell 'mvpn:interfaces' | tr -s ' ' | tr '\n' '|')"
  pb_log "mvpn:sa counters: $(mv_shell 'mvpn:sa counters' | tr -s ' ' | tr '\n' ' ')"
  pb_kill_pids "$mn_java" "$IPERF_SRV"; IPERF_SRV=""
}

rc=0
# MVPN_MN_BEFORE=<tree>: another installation tree measured first against the same appliance, as
# peer mvpn-mn-before (a change to the node compared in one run)
if [ -n "${MVPN_MN_BEFORE:-}" ]; then
  node_run mvpn-mn-before "$MVPN_MN_BEFORE" || rc=1
fi
node_run "${MVPN_MN_LABEL:-mvpn-mn}" "$MVPN_MN_HOME" || rc=1
exit $rc
