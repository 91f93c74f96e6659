import type { HeadSummary, Prediction } from '../browser/index';

/** Creates an element with a class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A loss for people: two significant digits, scientific when tiny. */
export function fmtLoss(x: number): string {
  return x !== 0 && Math.abs(x) < 0.01 ? x.toExponential(1) : x.toFixed(2);
}

/** A 28×28 example drawn as the model sees it (ink dark on white). */
export function thumbnail(pixels: Float32Array, side = 28): HTMLCanvasElement {
  const c = el('canvas', 'thumb');
  c.width = side;
  c.height = side;
  const img = new ImageData(side, side);
  for (let i = 0; i < pixels.length; i++) {
    const v = Math.round(255 * (1 - pixels[i]!));
    img.data.set([v, v, v, 255], i * 4);
  }
  c.getContext('2d')!.putImageData(img, 0, 0);
  return c;
}

/** Fills the result panel: the winning label and one bar per label, best first. */
export function renderPrediction(target: { label: HTMLElement; scores: HTMLElement }, p: Prediction): void {
  if (!('scores' in p)) {
    target.label.textContent = JSON.stringify('value' in p ? p.value : p.values);
    target.scores.replaceChildren();
    return;
  }
  // "None of these": the drawing is far from every class the user taught (a scribble, a blank pad).
  target.label.textContent = p.unknown ? 'none of these' : String(p.label);
  target.label.dataset.unknown = String(!!p.unknown);
  const rows = Object.entries(p.scores).sort((a, b) => b[1] - a[1]);
  target.scores.replaceChildren(
    ...rows.map(([label, score]) => {
      const li = el('li');
      li.dataset.label = label;
      li.dataset.score = String(score);
      const bar = el('span', 'bar');
      const fill = el('span');
      fill.style.width = `${(score * 100).toFixed(1)}%`;
      bar.append(fill);
      li.append(el('span', 'name', label), bar, el('span', 'pct', `${(score * 100).toFixed(score > 0.995 || score < 0.005 ? 0 : 1)}%`));
      return li;
    }),
  );
}

/** One row of the saved-heads list. */
export function headRow(h: HeadSummary, active: boolean, actions: { use: () => void; remove: () => void }): HTMLLIElement {
  const li = el('li', active ? 'active' : undefined);
  li.dataset.headId = h.id;
  const text = el('div');
  text.append(el('div', 'labels', h.labels.join(' · ')));
  const when = new Date(h.createdAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
  const parts = [when, h.id.slice(0, 8), ...(h.loss ? [`loss ${fmtLoss(h.loss.before)} → ${fmtLoss(h.loss.after)}`] : [])];
  const meta = el('div', 'meta');
  // Each part stays on one line; only the separators may wrap.
  parts.forEach((p, i) => meta.append(...(i > 0 ? [' · '] : []), el('span', undefined, p)));
  text.append(meta);
  const use = el('button', 'small', active ? 'In use' : 'Use');
  use.type = 'button';
  use.disabled = active;
  use.dataset.action = 'use';
  use.addEventListener('click', actions.use);
  const del = el('button', 'small', 'Delete');
  del.type = 'button';
  del.dataset.action = 'delete';
  del.addEventListener('click', actions.remove);
  li.append(text, use, del);
  return li;
}
