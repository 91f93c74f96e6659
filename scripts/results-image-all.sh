#!/usr/bin/env bash
# Every number of docs/results.md's table for an image model version: 600 test episodes per setting
# (test scripts of glyphs; the test half of the held-out icons domain), two processes side by side.
# Writes docs/results/V-*.json.
#   bash scripts/results-image-all.sh v4 bundles/glyphs.fsb [PREVIOUS.fsb]
# With PREVIOUS (the former default), also the body against body: paired, same test episodes, each
# at its own default settings (`fewshot eval --baseline`).
set -euo pipefail
cd "$(dirname "$0")/.."
V=${1:?usage: results-image-all.sh VERSION BUNDLE [PREVIOUS]}
B=${2:?usage: results-image-all.sh VERSION BUNDLE [PREVIOUS]}
P=${3:-}
R="npx tsx scripts/results-v2.ts"
S="npx tsx scripts/adapt-sweep.ts"
E=${EPISODES:-600}
# "no guard" is the bundle's own steps (its lr, optimizer, blocks) with the guard off.
C="[{\"name\":\"$V default (late, guard split)\"},{\"name\":\"late, no guard\",\"guard\":\"off\"},{\"name\":\"v2 (film)\",\"scope\":\"film\",\"steps\":10,\"lr\":2,\"optimizer\":\"sgd\",\"guard\":\"off\"}]"
(
  for style in clean episode image; do
    $R "$B" --episodes "$E" --only $style --ways 5 --shots 5 --json docs/results/$V-$style-5w5s.json
  done
  for shots in 5 2 1; do
    $S "$B" --data icons --split test --shots $shots --episodes "$E" --configs "$C" --json docs/results/$V-icons-5w${shots}s.json
  done
) &
(
  for style in clean episode image; do
    $R "$B" --episodes "$E" --only $style --ways 5 --shots 1 --json docs/results/$V-$style-5w1s.json
  done
  $R "$B" --episodes "$E" --only clean --ways 20 --shots 1 --json docs/results/$V-clean-20w1s.json
  # The int8 copy against its f32 bundle, paired on the same episodes.
  Q="${B%.fsb}-int8.fsb"
  if [ -f "$Q" ]; then
    node bin/fewshot.mjs eval --bundle "$Q" --baseline "$B" --task glyphs --ways 5 --shots 1 --episodes "$E" --json > docs/results/$V-int8-vs-f32-5w1s.json
  fi
  if [ -n "$P" ]; then
    for ws in 5:1 5:5 20:1; do
      node bin/fewshot.mjs eval --bundle "$B" --baseline "$P" --task glyphs --ways ${ws%:*} --shots ${ws#*:} --episodes "$E" --json > docs/results/$V-vs-previous-${ws%:*}w${ws#*:}s.json
    done
  fi
) &
wait
