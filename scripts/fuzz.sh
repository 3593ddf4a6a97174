#!/usr/bin/env bash
# Runs coverage-guided fuzzing campaigns (Jazzer) against the network parsers and entry points.
#
#   scripts/fuzz.sh                 list the targets
#   scripts/fuzz.sh all [SECONDS [EXECUTIONS]]   every target in turn, SECONDS each (default 60)
#   scripts/fuzz.sh TARGET [SECONDS [EXECUTIONS]]
#
# With EXECUTIONS, a campaign also ends as soon as libFuzzer's status line reports at least that
# many executions (its pulse lines come at powers of two: 1000000 ends at #1048576), whichever of
# the two comes first.
#
# A campaign runs one @FuzzTest in fuzzing mode (JAZZER_FUZZ=1; Jazzer 0.24 fuzzes one test per
# JVM). Jazzer 0.24 takes its time limit only from the annotation (maxDuration, 30 min here), so
# a shorter campaign is ended by SIGINT to the test JVM, on which libFuzzer stops cleanly. The
# last status line gives executions and exec/s. A finding fails the test; its input is written as
# crash-<sha1> into the target's src/test/resources/.../<Class>Inputs/<method>/ directory, where
# the normal build (regression mode) replays it from then on. New corpus entries go to
# .cifuzz-corpus/ (ignored by git). Logs: target/fuzz/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A TARGETS=(
  [ipv4]="bundles/mvpn-packet io.mvpn.packet.ipv4.Ipv4FuzzTest#anyBytesParseAsADatagramOrFailTyped"
  [reassembly]="bundles/mvpn-packet io.mvpn.packet.ipv4.Ipv4FuzzTest#fragmentsReassembleIntoWhatWasSentOrAreDropped"
  [mip]="bundles/mvpn-packet io.mvpn.packet.mip.MipFuzzTest#registrationMessagesParseOrFailTyped"
  [siu]="bundles/mvpn-packet io.mvpn.packet.siu.SiuFuzzTest#securityInformationUpdatesParseOrFailTyped"
  [tun]="bundles/mvpn-net io.mvpn.net.TunIngressFuzzTest#anyBytesFromTheTunAreRoutedOrDroppedAndNoBufferIsLeftHeld"
  [registration]="bundles/mvpn-homeagent io.mvpn.homeagent.RegistrationFuzzTest#requestsThatDoNotAuthenticateChangeNoBinding"
  [gateway]="bundles/mvpn-ipsec io.mvpn.ipsec.gateway.SecurityGatewayFuzzTest#espAndUpdatesChangeNothingUnlessTheyAuthenticate"
  [ike]="bundles/mvpn-ike io.mvpn.ike.sa.IkeEngineFuzzTest#messagesThatDoNotAuthenticateChangeNoEstablishedSa"
  [aodv]="bundles/mvpn-aodv io.mvpn.aodv.MobilityRouterFuzzTest#anyMessageFromANeighbourKeepsTheRoutesSound"
  [aodv-sink]="bundles/mvpn-aodv io.mvpn.aodv.SinkAdmissionFuzzTest#nothingANeighbourSendsGetsItInWithoutTheMsm"
  [aodv-hello]="bundles/mvpn-aodv io.mvpn.aodv.message.HelloExtensionFuzzTest#anyExtensionDataParsesToItselfOrATypedError"
  [dhcp]="bundles/mvpn-aodv io.mvpn.aodv.dhcp.DhcpFuzzTest#anyBytesParseToAMessageThatRoundTripsOrATypedError"
  [binding]="bundles/mvpn-packet io.mvpn.packet.mip.BindingFuzzTest#bindingMessagesParseOrFailTyped"
  [diameter]="bundles/mvpn-diameter io.mvpn.diameter.message.DiameterCodecFuzzTest#anyBytesDecodeToAMessageThatReEncodesOrFailTyped"
  [diameter-peer]="bundles/mvpn-diameter io.mvpn.diameter.peer.DiameterPeerFuzzTest#framesFromAnOpenPeerAreAnsweredOrDroppedAndCounted"
  [kink]="bundles/mvpn-sam io.mvpn.sam.scenario.KinkResponderFuzzTest#kinkMessagesThatDoNotAuthenticateGrantNothing"
  [dns]="bundles/mvpn-dns io.mvpn.dns.WorkgroupZoneFuzzTest#queriesGetWellFormedAnswersThatRevealOnlyVisibleMembers"
)
ORDER=(ipv4 reassembly mip siu binding tun registration gateway ike aodv aodv-sink aodv-hello dhcp dns diameter diameter-peer kink)

if [[ $# -eq 0 ]]; then
  for t in "${ORDER[@]}"; do printf '%-13s %s\n' "$t" "${TARGETS[$t]}"; done
  exit 0
fi
target=$1
seconds=${2:-60}
executions_wanted=${3:-}
if [[ -n $executions_wanted && ! $executions_wanted =~ ^[0-9]+$ ]]; then
  echo "EXECUTIONS must be a number, not '$executions_wanted'" >&2
  exit 2
fi
if [[ $target == all ]]; then
  status=0
  for t in "${ORDER[@]}"; do "$0" "$t" "$seconds" $executions_wanted || status=1; done
  exit $status
fi
if [[ -z ${TARGETS[$target]:-} ]]; then
  echo "unknown target '$target'; run $0 without arguments for the list" >&2
  exit 2
fi
descendants() {
  local child
  for child in $(pgrep -P "$1" || true); do
    echo "$child"
    descendants "$child"
  done
}

read -r module test <<<"${TARGETS[$target]}"
mkdir -p target/fuzz
log=target/fuzz/$target.log

JAZZER_FUZZ=1 ./mvnw -B -o -pl "$module" -am test -Dspotless.skip=true \
  -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1 &
maven=$!

# Wait until libFuzzer is running (its first status line: the build and Jazzer's start-up do not
# count), then give it the time asked for.
deadline=$((SECONDS + 1800))
until grep -q -E '^#[0-9]+\s+(INITED|pulse|NEW|REDUCE)' "$log" 2>/dev/null; do
  if ! kill -0 "$maven" 2>/dev/null || ((SECONDS > deadline)); then break; fi
  sleep 1
done
# The executions libFuzzer's last status line reports ("#1048576 pulse cov: ..."), 0 before any.
executions_so_far() {
  local last
  last=$(grep -E '^#[0-9]+\s' "$log" 2>/dev/null | tail -1 || true)
  sed -E 's/^#([0-9]+).*/\1/' <<<"${last:-#0}"
}
end=$((SECONDS + seconds))
while kill -0 "$maven" 2>/dev/null && ((SECONDS < end)); do
  if [[ -n $executions_wanted ]] && (($(executions_so_far) >= executions_wanted)); then break; fi
  sleep 1
done
if kill -0 "$maven" 2>/dev/null; then
  # The surefire JVM that runs the fuzz test descends from this Maven run.
  for pid in $(descendants "$maven"); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q surefirebooter; then
      kill -INT "$pid" 2>/dev/null || true
    fi
  done
fi
wait "$maven" || true

done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
if [[ -n $done_line ]]; then
  read -r executions elapsed < <(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1 \2/' <<<"$done_line")
  rate=$((executions / (elapsed > 0 ? elapsed : 1)))
else # interrupted: the last status line
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  executions=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
  rate=$(grep -o -E 'exec/s: [0-9]+' <<<"$last" | awk '{print $2}' || true)
fi
findings=$(grep -c 'DEDUP_TOKEN' "$log" || true)
if ((findings == 0)) && grep -q -E 'Tests run: .*(Failures|Errors): [1-9]' "$log"; then
  findings=1 # a failure that is not a libFuzzer finding (the target could not start, say)
fi
printf '%-13s executions %-10s exec/s %-7s findings %s   (%s)\n' \
  "$target" "${executions:-0}" "${rate:-?}" "$findings" "$log"
((findings == 0))
