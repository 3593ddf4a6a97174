#!/bin/bash
# The gateway's inbound ESP with espOnReaders on one core and on two (EspReaderStageBenchmark):
# pairs of runs, one reader with the JVM on vCPU 0, then two readers on vCPUs 0 and 1, each JVM
# with the same GC and compiler threads so that only the cores differ. Prints each run's score,
# its readers' and its loop's CPU per packet, and the pair's ratio.
#   benchmarks/esp-on-cores.sh [pairs=6]      (after: ./mvnw -o -q -pl benchmarks -am package -DskipTests)
set -u
cd "$(dirname "$0")" || exit 1
PAIRS=${1:-6}
JVM="-XX:ActiveProcessorCount=2 -XX:+UseG1GC"
run() { # <cpus> <threads>: prints the score last
  taskset -c "$1" java -jar target/benchmarks.jar EspReaderStageBenchmark.readerStageThenLoop \
    -f 1 -t "$2" -jvmArgsPrepend "$JVM" 2>&1 | grep -E "ns of thread CPU|thrpt" | sed 's/^io.mvpn.benchmarks.ipsec.//' >&2
}
exec 9>/tmp/mvpn-bench.lock; flock 9
for ((p = 1; p <= PAIRS; p++)); do
  echo "pair $p, $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
  one=$(run 0 1 2>&1 | tee /dev/stderr | awk '/thrpt/ {print $(NF-3)}')
  two=$(run 0,1 2 2>&1 | tee /dev/stderr | awk '/thrpt/ {print $(NF-3)}')
  awk -v a="$one" -v b="$two" 'BEGIN { if (a > 0) printf "2 cores / 1 core: %.2f\n", b / a }'
done
