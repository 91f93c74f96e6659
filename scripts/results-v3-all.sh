#!/usr/bin/env bash
# Every number of docs/results.md's "image model v3" tables: 600 test episodes per setting (test
# scripts of glyphs; the test half of the held-out icons domain), two processes side by side.
# Writes docs/results/v3-*.json.
#   bash scripts/results-v3-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
R="npx tsx scripts/results-v2.ts"
S="npx tsx scripts/adapt-sweep.ts"
E=${EPISODES:-600}
K1='{"scope":"late","lateBlocks":1,"steps":10,"lr":0.002,"optimizer":"adam"'
C="[{\"name\":\"v3 default (late, guard split)\"},$K1,\"name\":\"late, no guard\",\"guard\":\"off\"},{\"name\":\"v2 (film)\",\"scope\":\"film\",\"steps\":10,\"lr\":2,\"optimizer\":\"sgd\",\"guard\":\"off\"}]"
(
  for style in clean episode image; do
    $R bundles/glyphs.fsb --episodes "$E" --only $style --ways 5 --shots 5 --json docs/results/v3-$style-5w5s.json
  done
  for shots in 5 2 1; do
    $S bundles/glyphs.fsb --data icons --split test --shots $shots --episodes "$E" --configs "$C" --json docs/results/v3-icons-5w${shots}s.json
  done
) &
(
  for style in clean episode image; do
    $R bundles/glyphs.fsb --episodes "$E" --only $style --ways 5 --shots 1 --json docs/results/v3-$style-5w1s.json
  done
  $R bundles/glyphs.fsb --episodes "$E" --only clean --ways 20 --shots 1 --json docs/results/v3-clean-20w1s.json
) &
wait
