// The transfer recipe of docs/pytorch.md §1, end to end with no Python: a PyTorch `pretrained_model.pth`
// (scripts/torch/make-recipe.py) is imported, published to a model store, served by `fewshot serve`,
// and fine-tuned per user through the API with Adam (lr 0.01) and MSE for 5 steps; the predictions
// equal PyTorch's after the same 5 steps on the same data. One server start.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import adaptRequest from '../../examples/torch/recipe-adapt.json';
import predictRequest from '../../examples/torch/recipe-predict.json';
import { decodeBundle } from '../../src/bundle/index';
import { ROOT, startFewshot } from './servers';

const root = mkdtempSync(join(tmpdir(), 'fewshot-recipe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const recipe = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/torch/recipe/recipe.json'), 'utf8')) as { before: number[]; after: number[]; losses: number[]; lossAfter: number; steps: number; lr: number };
const auth = { authorization: 'Bearer local-dev-key', 'content-type': 'application/json' };

/** The CLI with an empty PATH: nothing but this Node process can run (no python3). */
function fewshot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'bin/fewshot.mjs'), ...args], { cwd: root, env: { PATH: '' }, timeout: 60_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const worst = (ours: number[], theirs: number[]): number => Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!)));

describe('the PyTorch transfer recipe, without Python', () => {
  it('pretrained_model.pth → import-torch → models publish → serve → adapt (Adam, MSE, 5 steps) → predict = PyTorch to 1e-5', async () => {
    const fsb = join(root, 'pretrained.fsb');
    const imp = await fewshot('bundle', 'import-torch', join(ROOT, 'test/fixtures/torch/recipe/pretrained_model.pth'), '--spec', join(ROOT, 'examples/torch/linear-regressor.spec.json'), '--out', fsb);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/2 tensors, 11 parameters \(regression, head init learned\)/);
    expect((await decodeBundle(readFileSync(fsb))).defaults).toMatchObject({ optimizer: 'adam', steps: 5, lr: 0.01, scope: 'head' });
    const pub = await fewshot('models', 'publish', fsb, '--name', 'pretrained-linear', '--dir', join(root, 'models'));
    expect(pub.code, pub.stderr).toBe(0);

    const s = await startFewshot({ store: join(root, 'heads'), args: ['--models', join(root, 'models')] });
    try {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${s.base}/v1/models/pretrained-linear/${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
        const json = (await res.json()) as Record<string, any>;
        expect(res.status, JSON.stringify(json)).toBe(200);
        return json;
      };
      const values = (r: Record<string, any>): number[] => (r.predictions as { value: number }[]).map((p) => p.value);

      // The bundle's defaults are the recipe's: Adam, lr 0.01, 5 steps. No per-request settings needed.
      const adapted = await post('adapt', adaptRequest);
      expect(adapted).toMatchObject({ steps: 5, lr: 0.01 });
      expect(Math.abs(adapted.loss.before - recipe.losses[0]!)).toBeLessThan(1e-5 * recipe.losses[0]!);
      expect(Math.abs(adapted.loss.after - recipe.lossAfter)).toBeLessThan(1e-5 * recipe.lossAfter);
      const after = values(await post('predict', predictRequest));
      const err = worst(after, recipe.after);
      expect(err).toBeLessThanOrEqual(1e-5); // measured: 0 (torch 1.13, this data: bit-identical float32)

      // Zero steps is the pretrained model itself: PyTorch's predictions before fine-tuning.
      expect(worst(values(await post('predict', { inputs: predictRequest.inputs, support: adaptRequest.support, steps: 0 })), recipe.before)).toBeLessThanOrEqual(1e-5);
      // The update rule is what makes it match: plain SGD at the same lr lands elsewhere.
      const sgd = values(await post('predict', { inputs: predictRequest.inputs, headId: (await post('adapt', { ...adaptRequest, user: 'bob', optimizer: 'sgd' })).headId }));
      expect(worst(sgd, recipe.after)).toBeGreaterThan(1e-3);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});
