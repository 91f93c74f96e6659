#!/usr/bin/env bash
# Rebuilds every shipped bundle, the small-budget per-algorithm glyph bundles, and docs/results.md.
# Exactly the commands recorded in bundles/README.md. Long: run it in the background.
#   bash scripts/train-all.sh            # everything
#   STAGE=results bash scripts/train-all.sh   # only re-run the evaluations and render
set -euo pipefail
cd "$(dirname "$0")/.."
F="node bin/fewshot.mjs"
ALGO_BUNDLES=${ALGO_BUNDLES:-/tmp/fewshot-algos}
export ALGO_BUNDLES
mkdir -p "$ALGO_BUNDLES"
STAGE=${STAGE:-all}

if [ "$STAGE" = all ] || [ "$STAGE" = sine ]; then
  $F train --task sinusoid --algo maml --iterations 70000 --meta-batch 25 --shots 10 --queries 10 --inner-steps 1 --inner-lr 0.01 --outer-lr 0.001 --seed 1 --val-every 5000 --val-episodes 100 --checkpoint-every 10000 --out bundles/sine-maml.fsb
  $F train --task sinusoid --algo metasgd --iterations 70000 --meta-batch 25 --shots 10 --queries 10 --inner-steps 1 --inner-lr 0.01 --outer-lr 0.001 --seed 1 --val-every 5000 --val-episodes 100 --checkpoint-every 10000 --out bundles/sine-metasgd.fsb
  $F train --task sinusoid --algo transfer --name sine-pretrained --iterations 70000 --meta-batch 25 --shots 10 --queries 10 --inner-lr 0.01 --outer-lr 0.001 --seed 1 --val-every 5000 --val-episodes 100 --checkpoint-every 10000 --out bundles/sine-pretrained.fsb
fi

if [ "$STAGE" = all ] || [ "$STAGE" = glyphs ]; then
  # See bundles/README.md for how the shipped run was split by --resume (same result as one run).
  $F train --task glyphs --algo protonet --name glyphs --iterations "${GLYPH_ITERATIONS:-3200}" --meta-batch 1 --ways 20 --shots 1 --queries 9 --seed 1 --filters 64 --outer-lr 0.001 --val-every 200 --val-episodes 100 --checkpoint-every 100 --deploy-steps 10 --deploy-lr "${GLYPH_LR:-0.01}" --out bundles/glyphs.fsb
  $F bundle quantize bundles/glyphs.fsb --dtype int8 --out bundles/glyphs-int8.fsb
fi

if [ "$STAGE" = all ] || [ "$STAGE" = algos ]; then
  # Equal small budget for every algorithm: conv-4 with 32 filters, 200 iterations of 4 tasks, 5-way 1-shot, 15 queries.
  for a in protonet protomaml anil metasgd maml fomaml reptile transfer; do
    steps=1; lr=0.1
    [ "$a" = reptile ] && steps=5
    $F train --task glyphs --algo "$a" --iterations "${ALGO_ITERATIONS:-200}" --meta-batch 4 --ways 5 --shots 1 --queries 15 --inner-steps $steps --inner-lr $lr --outer-lr 0.001 --seed 1 --filters 32 --val-every 0 --val-episodes 100 --checkpoint-every 0 --deploy-steps 10 --deploy-lr 0.01 --out "$ALGO_BUNDLES/glyphs-$a.fsb"
  done
fi

if [ "$STAGE" = all ] || [ "$STAGE" = results ]; then
  npx tsx scripts/results.ts --run
fi
