import { Hono } from 'hono';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>fewshot-edge API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{background:#f4f4f4;border-radius:4px;padding:.1rem .3rem}pre{padding:.8rem;overflow:auto}
h2{margin-top:2rem;border-bottom:1px solid #ddd}.m{font-weight:600;color:#06c}</style></head><body>
<h1>fewshot-edge API</h1>
<p>Per-user few-shot adaptation. Send a few labelled examples, get a head adapted to them, predict with it.
Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1, generated from the same zod schemas that validate requests).</p>
<p>Auth: <code>Authorization: Bearer &lt;key&gt;</code>. Under <code>npm start</code> the key <code>local-dev-key</code> belongs to tenant <code>local</code>.
Errors are <code>application/problem+json</code> <code>{type,title,status,detail,code}</code>; a rejected request writes nothing.</p>
<p>Inputs are flattened row-major floats. Images: 28×28 grayscale in [0,1] (784 numbers), ink = 1 and background = 0, as in MNIST.</p>
<div id="routes">loading…</div>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const out=[];
  for (const [path,ops] of Object.entries(doc.paths)) for (const [m,op] of Object.entries(ops)) {
    const codes=Object.keys(op.responses||{}).join(', ');
    out.push('<h2><span class="m">'+m.toUpperCase()+'</span> <code>'+path+'</code></h2><p>'+(op.summary||'')+'</p>'+(op.description?'<p>'+op.description+'</p>':'')+'<p>Responses: '+codes+'</p>');
  }
  document.getElementById('routes').innerHTML=out.join('');
});
</script></body></html>`;

/** GET /docs — a human-readable page over the OpenAPI document. */
export const docsRoutes = () => new Hono().get('/docs', (c) => c.html(PAGE));
