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
  # The default image model v2 (bundles/README.md): ProtoNets with the request-time FiLM steps in the
  # loop, 32 filters, hand-drawing styles; then the score temperature and "none of these" distance.
  $F train --task glyphs --algo protofilm --name glyphs --filters 32 --ways 20 --shots 2 --queries 8 --meta-batch 1 --inner-steps 2 --inner-lr 2 --augment mixed --outer-lr 0.001 --seed 2 --iterations "${GLYPH_ITERATIONS:-5000}" --val-every 1000 --val-episodes 50 --checkpoint-every 250 --deploy-steps "${GLYPH_STEPS:-10}" --deploy-lr "${GLYPH_LR:-2}" --out /tmp/glyphs-v2-raw.fsb
  $F calibrate --bundle /tmp/glyphs-v2-raw.fsb --out bundles/glyphs-v2.fsb
  # v3 (the previous default, not shipped): the v2 body served with scope 'late' and the guard, calibrated per shot count.
  npx tsx scripts/glyphs-v3.ts bundles/glyphs-v2.fsb /tmp/glyphs-v3-raw.fsb
  $F calibrate --bundle /tmp/glyphs-v3-raw.fsb --shots 1,2,3,5,10 --episodes 500 --out /tmp/glyphs-v3.fsb
  # v4: a body meta-trained on glyphs + symbols in PyTorch, imported, calibrated (.cache/v4/glyphs-v4.fsb);
  # v5: that body after outlier exposure, v5's guard allowance, contrast rule and per-shot rates
  # (.cache/v5/glyphs-v5.fsb); v6 (opt-in, bundles/glyphs-v6.fsb): v5's body without its last max pool,
  # trained on 30- then 60-way; v7 (the default): v5 with shifted views of 1-shot classes, recalibrated,
  # writes bundles/glyphs.fsb and glyphs-int8.fsb.
  bash scripts/glyphs-v4.sh
  bash scripts/glyphs-v5.sh
  bash scripts/glyphs-v6.sh
  bash scripts/glyphs-v7.sh
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
  bash scripts/results-v2-all.sh
  bash scripts/results-image-all.sh v5 .cache/v5/glyphs-v5.fsb .cache/v4/glyphs-v4.fsb
  bash scripts/results-image-all.sh v6 bundles/glyphs-v6.fsb .cache/v5/glyphs-v5.fsb
  bash scripts/results-image-all.sh v7 bundles/glyphs.fsb .cache/v5/glyphs-v5.fsb
fi
