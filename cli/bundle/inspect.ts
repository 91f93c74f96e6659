import { readBundleHeader, specShapes } from '../../src/bundle/index';
import type { BundleInfo } from '../../src/bundle/index';
import type { AdaptationDefaults, Layer } from '../../src/spec/model-spec';
import { readBytes } from './cli-io';
import { parseUsage, usageLine } from '../usage';
import type { Usage } from '../usage';
import { plural } from '../../src/util/plural';

export const spec: Usage = {
  command: 'fewshot bundle inspect',
  summary: "Print a bundle's header without decoding its tensors: id, spec, adaptation defaults and limits, provenance, tensor table, sizes.",
  args: ['FILE'],
  flags: { json: { type: 'boolean', help: 'print the same as one JSON object' } },
};
export const usage = usageLine(spec);

function guardText(d: AdaptationDefaults): string {
  const parts = [...(d.guardTolerance ? [`allows ${plural(d.guardTolerance, 'held-out example')}`] : []), ...(d.guardLossSlack !== undefined ? [`loss slack ${d.guardLossSlack}`] : [])];
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function unknownText(d: AdaptationDefaults): string {
  const flat = d.minContrast !== undefined ? ` · unknown below contrast ${d.minContrast}` : '';
  if (d.unknownDistances?.length) return ` · unknown beyond distance ${d.unknownDistances.map((e) => `${e.distance.toPrecision(4)} (${e.shots}-shot)`).join(', ')}${flat}`;
  return (d.unknownDistance !== undefined ? ` · unknown beyond distance ${d.unknownDistance.toPrecision(4)}` : '') + flat;
}

/** `inspect FILE [--json]`: header, spec, tensor table and sizes, read without decoding tensors. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseUsage(spec, argv);
  const info = await readBundleHeader(await readBytes(positionals[0]!));
  process.stdout.write(values.json ? `${JSON.stringify(summary(info), null, 2)}\n` : describe(info));
  return 0;
}

/** The machine-readable view (`--json`). */
export function summary(info: BundleInfo): object {
  const { header } = info;
  const parameters = header.tensors.filter((t) => !t.name.startsWith('lr/')).reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
  return {
    id: info.id,
    format: `fsb ${info.version}`,
    bytes: info.bytes,
    headerBytes: info.headerBytes,
    payloadBytes: info.payloadBytes,
    name: header.name,
    spec: header.spec,
    embedding: specShapes(header.spec).embedding,
    parameters,
    defaults: header.defaults,
    provenance: header.provenance,
    tensors: header.tensors,
  };
}

const layerText = (l: Layer): string => {
  switch (l.kind) {
    case 'dense':
      return `dense ${l.name}(${l.units})`;
    case 'conv2d':
      return `conv2d ${l.name}(${l.filters}, ${l.kernelSize}×${l.kernelSize}${l.strides && l.strides > 1 ? ` /${l.strides}` : ''}, ${typeof l.padding === 'number' ? `pad ${l.padding}` : (l.padding ?? 'valid')})`;
    case 'maxPool':
      return `maxPool(${l.size}${l.strides && l.strides !== l.size ? ` /${l.strides}` : ''}, ${l.padding ?? 'valid'})`;
    case 'batchNorm':
      return `batchNorm ${l.name}`;
    case 'l2Normalize':
      return `l2Normalize(scale ${l.scale ?? 1})`;
    default:
      return l.kind;
  }
};

/** Pads columns of a small table. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()}`).join('\n');
}

/** The human-readable view. */
export function describe(info: BundleInfo): string {
  const { header: h } = info;
  const d = h.defaults;
  const s = specShapes(h.spec);
  const p = h.provenance;
  const f32Bytes = h.tensors.reduce((a, t) => a + 4 * t.shape.reduce((x, y) => x * y, 1), 0);
  const lines = [
    `${h.name}  (fsb ${info.version})`,
    `id          ${info.id}`,
    `task        ${h.spec.task}, input [${h.spec.inputShape.join(', ')}] → embedding [${s.embedding.join(', ')}] → ${s.outputs === 'ways' ? "one output per support-set class ('ways')" : plural(s.outputs, 'output')}`,
    `body        ${h.spec.body.map(layerText).join(' → ') || '(none)'}`,
    `head        ${h.spec.head.map(layerText).join(' → ')}`,
    `adaptation  scope ${d.scope}${d.lateBlocks !== undefined ? ` (last ${d.lateBlocks === 1 ? "block" : `${d.lateBlocks} blocks`})` : ''} · ${d.steps} steps · lr ${d.lr} (${d.lrMode}${d.optimizer && d.optimizer !== 'sgd' ? `, ${d.optimizer}` : ''}) · head init ${d.headInit}${d.guard === 'split' ? ` · guard split${guardText(d)}` : ''}${d.shiftViews ? ` · 1-example classes with ${d.shiftViews}-pixel shifted views` : ''}${d.temperature !== undefined ? ` · temperature ${d.temperature.toPrecision(4)}` : ''}${unknownText(d)}`,
    `limits      steps ${d.limits.minSteps}..${d.limits.maxSteps} · lr ${d.limits.minLr}..${d.limits.maxLr} · ≤ ${d.limits.maxClasses} classes · ≤ ${d.limits.maxExamples} examples`,
    ...(d.labels ? [`labels      ${d.labels.join(', ')}`] : []),
    `provenance  ${Object.entries(p).filter(([k]) => k !== 'metrics').map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ')}`,
    ...(p.metrics ? [`metrics     ${Object.entries(p.metrics).map(([k, v]) => `${k} ${v}`).join(' · ')}`] : []),
    `size        ${info.bytes} B = 24 prelude + ${info.headerBytes} header + padding + ${info.payloadBytes} payload + 32 checksum (f32 payload would be ${f32Bytes} B)`,
    `tensors     ${h.tensors.length}`,
    table([
      ['name', 'dtype', 'shape', 'bytes', 'quant'],
      ...h.tensors.map((t) => [t.name, t.dtype, `[${t.shape.join(',')}]`, String(t.byteLength), t.quant ? (t.quant.axis === undefined ? 'per-tensor' : `per-channel (axis ${t.quant.axis}, ${t.quant.scale.length})`) : '']),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
