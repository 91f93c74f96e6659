import { describe, expect, it } from 'vitest';
import { barChartSvg, learningCurvesSvg } from '../../src/plots/index';
import { ticks } from '../../src/plots/svg';

/** Minimal well-formedness: every opened tag is closed in order (no XML library in the tree). */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

describe('SVG plots', () => {
  it('draws one line and one CI band per method, steps on x, with a legend, escaping labels', () => {
    const pts = (k: number) => Array.from({ length: 11 }, (_, s) => ({ step: s, mean: k / (s + 1), ci95: 0.05 }));
    const svg = learningCurvesSvg([{ label: 'MAML', points: pts(3) }, { label: 'pretrained <baseline>', points: pts(5) }], { title: 'K=10' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg.match(/<polyline/g)!.length).toBe(2);
    expect(svg.match(/<polygon/g)!.length).toBe(2);
    expect(svg.match(/<circle/g)!.length).toBe(22);
    expect(svg).toContain('pretrained &lt;baseline&gt;');
    expect(svg).toContain('number of gradient steps');
    // The larger curve (5 at step 0) is drawn higher (smaller y) than the smaller one (3).
    const firstY = [...svg.matchAll(/<polyline points="([\d.]+),([\d.]+)/g)].map((m) => Number(m[2]));
    expect(firstY[1]!).toBeLessThan(firstY[0]!);
  });

  it('draws a bar and a whisker per method per group, and the reference line', () => {
    const svg = barChartSvg(
      [
        { label: '5-way 1-shot', bars: [{ label: 'protonet', mean: 0.97, ci95: 0.01 }, { label: 'maml', mean: 0.9, ci95: 0.02 }] },
        { label: '20-way 1-shot', bars: [{ label: 'protonet', mean: 0.9, ci95: 0.01 }, { label: 'maml', mean: 0.8, ci95: 0.02 }] },
      ],
      { title: 'accuracy', yRange: [0, 1], reference: { value: 0.5, label: 'NN floor' } },
    );
    expect(balanced(svg)).toBe(true);
    // Bars carry a <title> tooltip; the two legend swatches are self-closing.
    expect(svg.match(/<\/rect>/g)!.length).toBe(4);
    expect(svg.match(/<rect [^>]*\/>/g)!.length).toBe(3);
    expect(svg.match(/<path d="M/g)!.length).toBe(4);
    expect(svg).toContain('NN floor');
    expect(svg).toContain('protonet: 0.97 ± 0.01');
  });

  it('picks round ticks that cover the range', () => {
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(0, 3.7)[0]).toBe(0);
    expect(ticks(0, 3.7).at(-1)!).toBeGreaterThanOrEqual(3.5);
  });
});
