import type { Stroke } from '../browser/index';

/** What the drawing pad exposes to the page. */
export interface DrawPad {
  strokes(): Stroke[];
  isEmpty(): boolean;
  clear(): void;
}

// Pen width on screen as a fraction of the pad: about what the model sees after fitting (2.5 of 28 px).
const PEN_FRACTION = 0.035;

/** Pointer-event drawing (mouse, pen and touch alike) on a square canvas; points are in CSS pixels. */
export function createDrawPad(canvas: HTMLCanvasElement, onChange: () => void): DrawPad {
  const ctx = canvas.getContext('2d')!;
  let strokes: { x: number; y: number }[][] = [];
  let current: { x: number; y: number }[] | null = null;
  let pointer: number | null = null;

  const resize = (): void => {
    const r = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(r.width * dpr));
    canvas.height = Math.max(1, Math.round(r.height * dpr));
    redraw();
  };
  const redraw = (): void => {
    const r = canvas.getBoundingClientRect();
    const scale = canvas.width / Math.max(1, r.width);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, r.width, r.height);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#1d2330';
    ctx.fillStyle = '#1d2330';
    ctx.lineWidth = Math.max(4, r.width * PEN_FRACTION);
    for (const s of strokes) {
      if (s.length === 1) {
        ctx.beginPath();
        ctx.arc(s[0]!.x, s[0]!.y, ctx.lineWidth / 2, 0, Math.PI * 2);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      s.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
      ctx.stroke();
    }
  };
  const at = (e: PointerEvent): { x: number; y: number } => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  canvas.addEventListener('pointerdown', (e) => {
    if (pointer !== null) return;
    e.preventDefault();
    pointer = e.pointerId;
    canvas.setPointerCapture(e.pointerId);
    current = [at(e)];
    strokes.push(current);
    redraw();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (e.pointerId !== pointer || !current) return;
    // Coalesced events keep fast finger strokes smooth on phones.
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length > 0 ? events : [e]) current.push(at(ev));
    redraw();
  });
  const end = (e: PointerEvent): void => {
    if (e.pointerId !== pointer) return;
    pointer = null;
    current = null;
    onChange();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  new ResizeObserver(resize).observe(canvas);
  resize();

  return {
    strokes: () => strokes.map((s) => [...s]),
    isEmpty: () => strokes.length === 0,
    clear() {
      strokes = [];
      current = null;
      redraw();
      onChange();
    },
  };
}
