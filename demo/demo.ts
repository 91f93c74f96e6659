import { createRuntime, rasterizeStrokes } from '../browser/index';
import { createDrawPad } from './draw-pad';
import { el, fmtLoss, headRow, renderPrediction, thumbnail } from './render';
import type { Runtime } from '../browser/index';

interface Symbol {
  name: string;
  examples: Float32Array[];
}

const MAX_SYMBOLS = 5;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

const symbols: Symbol[] = ['A', 'B', 'C'].map((name) => ({ name, examples: [] }));
let runtime: Runtime | undefined;
let activeHead: string | undefined;
let busy = false;

const pad = createDrawPad($<HTMLCanvasElement>('pad'), () => {
  $('pad-hint').hidden = !pad.isEmpty();
  updateButtons();
});

function setStatus(text: string, state: 'loading' | 'ready' | 'error' | 'busy'): void {
  const s = $('status');
  s.textContent = text;
  s.dataset.state = state;
}

function setInfo(text: string, error = false): void {
  const info = $('adapt-info');
  info.textContent = text;
  info.classList.toggle('error', error);
}

function updateButtons(): void {
  const ready = runtime !== undefined && !busy;
  ($('predict') as HTMLButtonElement).disabled = !ready || !activeHead || pad.isEmpty();
  ($('adapt') as HTMLButtonElement).disabled = !ready || symbols.filter((s) => s.examples.length > 0).length < 2;
  ($('add-symbol') as HTMLButtonElement).disabled = symbols.length >= MAX_SYMBOLS;
  for (const b of document.querySelectorAll<HTMLButtonElement>('#symbols button[data-action="add"]')) b.disabled = pad.isEmpty();
}

function renderSymbols(): void {
  const list = $('symbols');
  list.replaceChildren(
    ...symbols.map((s, i) => {
      const li = el('li');
      li.dataset.index = String(i);
      const name = el('input');
      name.value = s.name;
      name.maxLength = 24;
      name.setAttribute('aria-label', `Name of symbol ${i + 1}`);
      name.addEventListener('input', () => (s.name = name.value));
      const add = el('button', 'small primary', `Add (${s.examples.length})`);
      add.type = 'button';
      add.dataset.action = 'add';
      add.addEventListener('click', () => addExample(s));
      const remove = el('button', 'small', '×');
      remove.type = 'button';
      remove.setAttribute('aria-label', 'Remove symbol');
      remove.disabled = symbols.length <= 2;
      remove.addEventListener('click', () => {
        symbols.splice(symbols.indexOf(s), 1);
        renderSymbols();
      });
      const thumbs = el('div', 'thumbs');
      thumbs.append(...s.examples.map((x) => thumbnail(x)));
      li.append(name, add, remove, thumbs);
      return li;
    }),
  );
  updateButtons();
}

function addExample(s: Symbol): void {
  const x = rasterizeStrokes(pad.strokes());
  if (!x) return;
  s.examples.push(x);
  pad.clear();
  renderSymbols();
}

async function renderHeads(): Promise<void> {
  if (!runtime) return;
  const heads = await runtime.listHeads();
  $('no-heads').hidden = heads.length > 0;
  $('heads').replaceChildren(
    ...heads.map((h) =>
      headRow(h, h.id === activeHead, {
        use: () => {
          activeHead = h.id;
          setInfo(`Using saved head ${h.id.slice(0, 8)} (${h.labels.join(', ')}).`);
          void renderHeads();
          updateButtons();
        },
        remove: async () => {
          await runtime!.deleteHead(h.id);
          if (activeHead === h.id) activeHead = undefined;
          await renderHeads();
          updateButtons();
        },
      }),
    ),
  );
}

async function adapt(): Promise<void> {
  if (!runtime) return;
  const used = symbols.filter((s) => s.examples.length > 0);
  const names = used.map((s) => s.name.trim());
  if (names.some((n) => n === '')) return setInfo('Every symbol needs a name.', true);
  if (new Set(names).size !== names.length) return setInfo('Symbol names must differ.', true);
  const support = { inputs: used.flatMap((s) => s.examples.map((x) => Array.from(x))), labels: used.flatMap((s, i) => s.examples.map(() => names[i]!)) };
  busy = true;
  updateButtons();
  setInfo('Adapting…');
  await nextFrame(); // let "Adapting…" paint: the adaptation itself runs synchronously
  try {
    const r = await runtime.adapt(support, { name: names.join(', ') });
    activeHead = r.headId;
    const info = $('adapt-info');
    info.dataset.headId = r.headId;
    info.dataset.ms = String(r.ms);
    const how = r.stepsUsed > 0 ? `fine-tuned: ${r.stepsUsed} steps, loss ${fmtLoss(r.loss.before)} → ${fmtLoss(r.loss.after)}` : `not fine-tuned: ${r.guard?.reason ?? 'no steps'}; nearest drawings decide`;
    setInfo(`Adapted ${names.length} symbols from ${support.inputs.length} drawings in ${r.ms.toFixed(0)} ms (${how}). Now draw one and tap Predict.`);
    await renderHeads();
  } catch (e) {
    setInfo(e instanceof Error ? e.message : String(e), true);
  } finally {
    busy = false;
    updateButtons();
  }
}

async function predict(): Promise<void> {
  const x = rasterizeStrokes(pad.strokes());
  if (!runtime || !activeHead || !x) return;
  try {
    const [p] = await runtime.predict(activeHead, [Array.from(x)]);
    renderPrediction({ label: $('prediction'), scores: $('scores') }, p!);
    $('result').hidden = false;
  } catch (e) {
    setInfo(e instanceof Error ? e.message : String(e), true);
  }
}

async function main(): Promise<void> {
  renderSymbols();
  $('clear').addEventListener('click', () => pad.clear());
  $('predict').addEventListener('click', () => void predict());
  $('adapt').addEventListener('click', () => void adapt());
  $('add-symbol').addEventListener('click', () => {
    if (symbols.length >= MAX_SYMBOLS) return;
    symbols.push({ name: String.fromCharCode(65 + symbols.length), examples: [] });
    renderSymbols();
  });
  try {
    runtime = await createRuntime({ bundle: new URL('glyphs.fsb', location.href).href, wasmUrl: new URL('../browser/tfjs-backend-wasm-simd.wasm', location.href).href });
    const { info } = runtime;
    if (info.inputSize !== 28 * 28) throw new Error(`this demo draws 28×28 images; the bundle wants ${info.inputShape.join('×')}`);
    const heads = await runtime.listHeads();
    activeHead = heads[0]?.id;
    await renderHeads();
    const kernel = info.backend.fused ? ' + fused kernel' : '';
    setStatus(`Ready · ${info.name} · wasm${info.backend.simd ? ' SIMD' : ''}${kernel} · ${(info.bundleBytes / 1024).toFixed(0)} KiB · ${info.startMs.toFixed(0)} ms`, 'ready');
  } catch (e) {
    setStatus(`Could not start: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
  updateButtons();
}

void main();
