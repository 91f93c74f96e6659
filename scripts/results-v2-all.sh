#!/usr/bin/env bash
# Every number of docs/results.md's "image model v2" tables: 600 test episodes per setting, two
# processes side by side (2 cores). Writes docs/results/v2-*.json; ~25 min on 2 quiet cores.
#   bash scripts/results-v2-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
R="npx tsx scripts/results-v2.ts"
E=${EPISODES:-600}
(
  for style in clean episode image; do
    $R bundles/glyphs-v2.fsb --episodes "$E" --only $style --ways 5 --shots 5 --json docs/results/v2-$style-5w5s.json
  done
  for style in clean episode image; do
    $R bundles/glyphs-v2.fsb --episodes "$E" --only $style --ways 5 --shots 1 --json docs/results/v2-$style-5w1s.json
  done
) &
(
  $R bundles/glyphs-v2.fsb --episodes "$E" --only clean --ways 20 --shots 1 --json docs/results/v2-clean-20w1s.json
  $R bundles/glyphs-int8.fsb --episodes "$E" --only clean --ways 5 --shots 1 --json docs/results/v2-int8-clean-5w1s.json
  $R bundles/glyphs-int8.fsb --episodes "$E" --only clean --ways 5 --shots 5 --json docs/results/v2-int8-clean-5w5s.json
  # The previous default model on the same episodes (its own default steps).
  for style in clean episode image; do
    $R bundles/glyphs-v1.fsb --episodes "$E" --only $style --ways 5 --shots 5 --json docs/results/v1-$style-5w5s.json
  done
) &
wait
