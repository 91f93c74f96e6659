// FLOPs of a body forward from the spec alone: conv and dense count 2 per multiply-add; batch norm,
// relu and bias 1 per element; max-pool one compare per window element.
import type { Layer, Padding } from '../../src/spec/model-spec';

const outSize = (n: number, k: number, s: number, padding: Padding | number | undefined): number =>
  padding === 'same' ? Math.ceil(n / s) : Math.floor((n + 2 * (typeof padding === 'number' ? padding : 0) - k) / s) + 1;

/** FLOPs of one example through `layers`, starting from `shape` ([h, w, c] or [features]). */
export function forwardFlops(layers: readonly Layer[], shape: readonly number[]): { flops: number; outShape: number[] } {
  let s = [...shape];
  let flops = 0;
  const size = (): number => s.reduce((a, b) => a * b, 1);
  for (const l of layers) {
    if (l.kind === 'conv2d') {
      const st = l.strides ?? 1;
      const [h, w, c] = s as [number, number, number];
      s = [outSize(h, l.kernelSize, st, l.padding ?? 'valid'), outSize(w, l.kernelSize, st, l.padding ?? 'valid'), l.filters];
      flops += 2 * s[0]! * s[1]! * l.kernelSize * l.kernelSize * c * l.filters + size();
    } else if (l.kind === 'maxPool') {
      const st = l.strides ?? l.size;
      const [h, w, c] = s as [number, number, number];
      s = [outSize(h, l.size, st, l.padding ?? 'valid'), outSize(w, l.size, st, l.padding ?? 'valid'), c];
      flops += size() * l.size * l.size;
    } else if (l.kind === 'dense') {
      if (l.units === 'ways') break;
      flops += 2 * size() * l.units + l.units;
      s = [l.units];
    } else if (l.kind === 'flatten') {
      s = [size()];
    } else if (l.kind === 'batchNorm') {
      flops += 2 * size();
    } else if (l.kind === 'relu') {
      flops += size();
    }
  }
  return { flops, outShape: s };
}
