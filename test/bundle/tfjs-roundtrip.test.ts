import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { BundleError, decodeBundle, encodeBundle, exportTfjsModel, importTfjsModel, readBundleHeader, readFewshotMetadata } from '../../src/bundle/index';

const SHIPPED = readdirSync('bundles').filter((f) => f.endsWith('.fsb')).sort();
/** Bundles with a layer tfjs-layers cannot express (l2Normalize): export refuses them by name instead. */
const NOT_EXPORTABLE = new Set(['embed-384.fsb']);

/** What `bundle export --format tfjs` writes, as the files would be read back (JSON text, one shard). */
async function exportAsFiles(bytes: Uint8Array) {
  const model = await decodeBundle(bytes);
  const storage = Object.fromEntries((await readBundleHeader(bytes)).header.tensors.map((t) => [t.name, { dtype: t.dtype, ...(t.quant ? { quant: t.quant } : {}) }]));
  const { modelJson, weightData } = exportTfjsModel(model, 'weights.bin', storage);
  return { model, modelJson: JSON.parse(JSON.stringify(modelJson)), weightData: weightData.slice(0) };
}

describe('tfjs round trip of every shipped bundle', () => {
  it('finds the shipped bundles', () => {
    expect(SHIPPED).toEqual(expect.arrayContaining(['glyphs.fsb', 'glyphs-int8.fsb', 'sine-maml.fsb', 'sine-metasgd.fsb', 'sine-pretrained.fsb']));
  });

  for (const file of SHIPPED.filter((f) => NOT_EXPORTABLE.has(f))) {
    it(`${file}: export is refused by name (tfjs_unsupported), writing nothing`, async () => {
      await expect(exportAsFiles(new Uint8Array(readFileSync(`bundles/${file}`)))).rejects.toMatchObject({ code: 'tfjs_unsupported' });
    });
  }

  for (const file of SHIPPED.filter((f) => !NOT_EXPORTABLE.has(f))) {
    it(`${file}: export → import gives the same spec, defaults, limits, provenance, tensors — the same bytes, so the same id`, async () => {
      const bytes = new Uint8Array(readFileSync(`bundles/${file}`));
      const { model, modelJson, weightData } = await exportAsFiles(bytes);
      const meta = readFewshotMetadata(modelJson)!;
      expect(meta.defaults).toEqual(model.defaults);
      const back = importTfjsModel(modelJson, weightData);
      expect(back.name).toBe(model.name);
      expect(back.spec).toEqual(model.spec);
      expect(back.defaults).toEqual(model.defaults);
      expect(back.defaults.limits).toEqual(model.defaults.limits);
      expect(back.provenance).toEqual(model.provenance);
      expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(model.tensors).sort());
      for (const [name, t] of Object.entries(model.tensors)) {
        expect(back.tensors[name]!.shape, name).toEqual(t.shape);
        expect(Buffer.from(back.tensors[name]!.data.buffer, back.tensors[name]!.data.byteOffset, t.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)), name).toBe(true);
      }
      // Re-encoded the way the source was stored: byte for byte the shipped file, so heads made with it stay valid.
      const again = await encodeBundle(back, { tensors: meta.storage! });
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
      expect((await decodeBundle(again)).id).toBe(model.id);
    });
  }

  it('the metadata carries what tfjs layers cannot: a prototype head, scope, limits, Meta-SGD lrs', async () => {
    const glyphs = await exportAsFiles(new Uint8Array(readFileSync('bundles/glyphs.fsb')));
    // No Dense layer at all: the prototype head exists only in the metadata's spec.
    expect(glyphs.modelJson.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).not.toContain('Dense');
    expect(readFewshotMetadata(glyphs.modelJson)!.spec.head).toEqual([{ kind: 'dense', name: 'out', units: 'ways' }]);
    const sgd = await exportAsFiles(new Uint8Array(readFileSync('bundles/sine-metasgd.fsb')));
    const meta = readFewshotMetadata(sgd.modelJson)!;
    expect(Object.keys(meta.extra).every((k) => k.startsWith('lr/'))).toBe(true);
    expect(Object.keys(meta.extra).length).toBeGreaterThan(0);
    const sine = readFewshotMetadata((await exportAsFiles(new Uint8Array(readFileSync('bundles/sine-maml.fsb')))).modelJson)!;
    expect(sine.defaults).toMatchObject({ scope: 'all', limits: { maxLr: 1, maxClasses: 1 } });
  });

  it('refuses weights that do not match the metadata, naming them', async () => {
    const { modelJson, weightData } = await exportAsFiles(new Uint8Array(readFileSync('bundles/sine-maml.fsb')));
    const renamed = structuredClone(modelJson);
    renamed.weightsManifest[0].weights[0].name = 'other/kernel';
    expect(() => importTfjsModel(renamed, weightData)).toThrow(/does not have|does not map/);
    const mismapped = structuredClone(modelJson);
    mismapped.userDefinedMetadata.fewshot.weights['h1/kernel'] = 'body/h2/kernel';
    expect(() => importTfjsModel(mismapped, weightData)).toThrow(BundleError);
    const badSpec = structuredClone(modelJson);
    badSpec.userDefinedMetadata.fewshot.spec.body[0].units = 41;
    expect(() => importTfjsModel(badSpec, weightData)).toThrow(BundleError);
  });
});
