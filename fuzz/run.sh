#!/usr/bin/env bash
# Runs fuzz targets one after another: seeds → corpus, then `cargo fuzz run` for SECONDS each
# (default 600), one in-process fuzzer at a time, logging to fuzz/logs/TARGET.log. Release
# build with debug assertions (so integer overflow panics); SANITIZER=none runs without
# AddressSanitizer. Crashing inputs land in fuzz/artifacts/TARGET/.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
# cargo-fuzz passes nightly-only flags to rustc; RUSTC_BOOTSTRAP lets a stable toolchain take them.
export RUSTC_BOOTSTRAP=1
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
  echo "== $t: ${seconds}s ($(date -u +%FT%TZ))"
  cargo fuzz run -O --debug-assertions --sanitizer "${SANITIZER:-address}" "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"logs/$t.log" 2>&1 \
    && echo "   ok" || echo "   FAILED (see fuzz/logs/$t.log and fuzz/artifacts/$t/)"
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done)|cov: ' "logs/$t.log" | tail -3 | sed 's/^/   /'
done
