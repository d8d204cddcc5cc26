#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md with the settings stated there; raw output goes to target/results/.
# Usage: ./run-benchmarks.sh [hitpath] [keys] [housekeeping] [e2e] [footprint] [load]   (no argument: all)
# Environment: JAVA17 (default: java on PATH), JAVA25 (default: Temurin 25), LOAD_SECONDS (default 60),
# DIRECT_SECONDS (default 15). Build first: mvn -q -B -o package (in this directory).
set -euo pipefail
cd "$(dirname "$0")"
JAR=target/benchmarks.jar
OUT=target/results
JAVA17=${JAVA17:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
LOAD_SECONDS=${LOAD_SECONDS:-60}
DIRECT_SECONDS=${DIRECT_SECONDS:-15}
JMH=(-f 1 -wi 2 -w 2s -i 3 -r 3s)
mkdir -p "$OUT"
sections=("$@")
[ ${#sections[@]} -eq 0 ] && sections=(hitpath keys housekeeping e2e footprint load)

for section in "${sections[@]}"; do
  uptime | tee -a "$OUT/uptime.log"
  case "$section" in
    hitpath)
      for t in 1 2 8; do
        "$JAVA17" -jar "$JAR" 'HitPathBenchmark\.(mcpPool|commonsPool2|minimalKeyedPool)$' "${JMH[@]}" -t "$t" \
          -prof gc -rf json -rff "$OUT/hitpath-t$t.json" | tee "$OUT/hitpath-t$t.txt"
      done
      # The single-threaded hit path in CPU time (stable on a shared machine).
      "$JAVA17" -cp "$JAR" dev.mcppool.benchmarks.harness.HitPathCpuTime --keys 1,100,100000 --ops 500000 --rounds 7 \
        | tee "$OUT/hitpath-cputime.txt"
      # Diagnostic: keys walked in order instead of at random.
      "$JAVA17" -jar "$JAR" 'HitPathBenchmark\.(mcpPool|commonsPool2|minimalKeyedPool)$' "${JMH[@]}" -t 1 -p keys=1,100000 \
        -jvmArgsAppend -Dbench.access=sequential -rf json -rff "$OUT/hitpath-sequential-t1.json" \
        | tee "$OUT/hitpath-sequential-t1.txt"
      # Commons Pool2 with its default reuseCapacityOnReturn=true: every return scans all keys.
      "$JAVA17" -jar "$JAR" 'HitPathBenchmark\.commonsPool2DefaultReturn$' "${JMH[@]}" -t 1 -p keys=1,100,1000 \
        -rf json -rff "$OUT/hitpath-pool2-defaults.json" | tee "$OUT/hitpath-pool2-defaults.txt"
      ;;
    keys)
      "$JAVA17" -jar "$JAR" 'KeyDerivationBenchmark|ClockBenchmark' "${JMH[@]}" -t 1 -prof gc \
        -rf json -rff "$OUT/keys.json" | tee "$OUT/keys.txt"
      ;;
    housekeeping)
      "$JAVA17" -jar "$JAR" 'HousekeepingBenchmark' "${JMH[@]}" -rf json -rff "$OUT/housekeeping.json" \
        | tee "$OUT/housekeeping.txt"
      ;;
    e2e)
      "$JAVA17" -cp "$JAR" dev.mcppool.benchmarks.harness.EndToEnd --transports streamable,sse \
        --rounds 10 --warmup-rounds 2 --calls 1000 --new-session-calls 50 --concurrency 1 | tee "$OUT/e2e-c1.txt"
      "$JAVA17" -cp "$JAR" dev.mcppool.benchmarks.harness.EndToEnd --transports streamable,sse \
        --rounds 5 --warmup-rounds 1 --calls 2000 --new-session-calls 100 --concurrency 4 | tee "$OUT/e2e-c4.txt"
      ;;
    footprint)
      "$JAVA17" -XX:+UseSerialGC -XX:SoftRefLRUPolicyMSPerMB=0 -Xms4g -Xmx4g -cp "$JAR" dev.mcppool.benchmarks.harness.Footprint \
        --keys 100000 --sessions 10,50,100,200 --transport streamable | tee "$OUT/footprint.txt"
      ;;
    load)
      "$JAVA25" -cp "$JAR" dev.mcppool.benchmarks.harness.Load --mode pool --callers 1000 --identities 100 \
        --max-per-key 4 --duration "$LOAD_SECONDS" --warmup 5 | tee "$OUT/load-pool.txt"
      "$JAVA25" -cp "$JAR" dev.mcppool.benchmarks.harness.Load --mode direct --callers 1000 --identities 100 \
        --duration "$DIRECT_SECONDS" --warmup 5 | tee "$OUT/load-direct.txt"
      ;;
    *) echo "unknown section $section" >&2; exit 2 ;;
  esac
done
