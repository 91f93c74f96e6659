/**
 * Renders an OpenAPI 3.1 document as one self-contained HTML page: every operation with its
 * parameters, request body and responses, and every component schema as a field table. Server-side
 * and dependency-free, so `/docs` needs no script, no CDN and adds nothing to the worker's size
 * beyond this file. Covers the JSON Schema the zod schemas generate (docs.test.ts renders ours).
 */
type Json = Record<string, unknown>;
type Schema = Json & { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; required?: string[] };

const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const code = (v: unknown): string => `<code>${esc(v)}</code>`;
const refName = (ref: string): string => ref.split('/').pop() ?? ref;
const anchor = (name: string): string => `schema-${name.replace(/[^A-Za-z0-9_-]/g, '')}`;
// Descriptions are markdown-ish: `code` spans are the only mark-up we use.
const prose = (text: unknown): string => esc(text ?? '').replace(/`([^`]+)`/g, '<code>$1</code>');

/** A one-line type: `string`, `array of number`, `AdaptRequest` (linked), `"a" | "b"`, `number | null`. */
function typeOf(s: Schema | undefined): string {
  if (!s) return 'any';
  if (s.$ref) return `<a href="#${anchor(refName(s.$ref))}">${esc(refName(s.$ref))}</a>`;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(' | ');
  if (Array.isArray(s.enum)) return s.enum.map((v) => code(JSON.stringify(v))).join(' | ');
  if ('const' in s) return code(JSON.stringify(s.const));
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length === 0) return 'any';
  return types.map((t) => (t === 'array' ? `array of ${s.items?.anyOf || s.items?.oneOf ? `(${typeOf(s.items)})` : typeOf(s.items)}` : t === 'string' && s.format ? `string (${esc(s.format)})` : esc(t))).join(' | ');
}

const LIMITS: Array<[string, string]> = [
  ['minLength', 'min length'], ['maxLength', 'max length'], ['pattern', 'pattern'], ['minimum', '≥'], ['maximum', '≤'],
  ['exclusiveMinimum', '&gt;'], ['exclusiveMaximum', '&lt;'], ['minItems', 'min items'], ['maxItems', 'max items'], ['default', 'default'],
];

/** Constraints, description and example of a schema (and of its array items), as one cell. */
function notes(s: Schema | undefined): string {
  if (!s) return '';
  const out: string[] = [];
  if (s.description) out.push(prose(s.description));
  for (const [k, label] of LIMITS) if (k in s) out.push(`${label} ${code(typeof s[k] === 'string' ? s[k] : JSON.stringify(s[k]))}`);
  if (s.items && !s.items.$ref) {
    const inner = notes(s.items);
    if (inner) out.push(`items: ${inner}`);
  }
  if ('example' in s) out.push(`e.g. ${code(JSON.stringify(s.example))}`);
  return out.join('; ');
}

/** An object schema as a field table (nested objects nest); anything else as its type and notes. */
function schemaBlock(s: Schema | undefined, depth = 0): string {
  if (!s) return '<p>any</p>';
  const obj = s.properties ? s : s.items?.properties ? s.items : undefined;
  if (!obj || depth > 4) return `<p>${typeOf(s)}${notes(s) ? ` — ${notes(s)}` : ''}</p>`;
  const req = new Set(obj.required ?? []);
  const rows = Object.entries(obj.properties ?? {}).map(([name, p]) => {
    const nested = p.properties || p.items?.properties ? schemaBlock(p, depth + 1) : '';
    return `<tr><td>${code(name)}${req.has(name) ? ' <b>required</b>' : ''}</td><td>${p.properties ? 'object' : typeOf(p)}</td><td>${notes(p)}${nested}</td></tr>`;
  });
  const prefix = obj === s ? '' : '<p>array of objects:</p>';
  return `${prefix}<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join('')}</table>`;
}

/** Each media type with its schema; `inline` also draws a referenced schema's table here. */
function content(body: Json | undefined, schemas: Record<string, Schema>, inline: boolean): string {
  const media = (body?.content ?? {}) as Record<string, { schema?: Schema }>;
  return Object.entries(media)
    .map(([type, m]) => {
      const target = m.schema?.$ref ? (inline ? schemas[refName(m.schema.$ref)] : undefined) : m.schema;
      return `<p>${code(type)}: ${typeOf(m.schema)}</p>${target ? schemaBlock(target) : ''}`;
    })
    .join('');
}

/** Responses, with statuses that share a description and body (the problem responses) on one line. */
function responses(op: Json, schemas: Record<string, Schema>): string {
  const groups = new Map<string, { statuses: string[]; r: Json }>();
  for (const [status, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
    const key = JSON.stringify([r.description, r.content]);
    const g = groups.get(key);
    if (g) g.statuses.push(status);
    else groups.set(key, { statuses: [status], r });
  }
  const items = [...groups.values()].map(({ statuses, r }) => {
    const ok = statuses.some((st) => st.startsWith('2'));
    return `<li>${statuses.map(code).join(' ')} ${prose(r.description)}${content(r, schemas, ok)}</li>`;
  });
  return `<h4>Responses</h4><ul>${items.join('')}</ul>`;
}

function operation(path: string, method: string, op: Json, schemas: Record<string, Schema>): string {
  const id = String(op.operationId ?? `${method}-${path}`);
  const params = (op.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  const parts = [`<h3 id="op-${esc(id)}"><span class="m">${esc(method.toUpperCase())}</span> ${code(path)} <small>${esc(id)}</small></h3>`];
  if (op.summary) parts.push(`<p>${prose(op.summary)}</p>`);
  if (op.description) parts.push(`<p>${prose(op.description)}</p>`);
  parts.push(`<p>Auth: ${op.security ? 'bearer key' : 'none'}</p>`);
  if (params.length) {
    const rows = params.map((p) => `<tr><td>${code(p.name)}${p.required ? ' <b>required</b>' : ''}</td><td>${esc(p.in)}</td><td>${typeOf(p.schema)}</td><td>${notes(p.schema)}</td></tr>`);
    parts.push(`<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr>${rows.join('')}</table>`);
  }
  const body = op.requestBody as Json | undefined;
  if (body) parts.push(`<h4>Request body${body.required ? ' (required)' : ''}</h4>${body.description ? `<p>${prose(body.description)}</p>` : ''}${content(body, schemas, true)}`);
  parts.push(responses(op, schemas));
  return `<section>${parts.join('\n')}</section>`;
}

/** The whole page; `intro` is trusted HTML placed above the operations. */
export function renderOpenApiPage(doc: Json, intro: string): string {
  const info = (doc.info ?? {}) as Json;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  const ops = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Schema>;
  const toc = ops.map(({ path, method, op }) => `<li><a href="#op-${esc(op.operationId ?? '')}">${esc(method.toUpperCase())} ${esc(path)}</a></li>`).join('');
  const schemaSections = Object.entries(schemas).map(([name, s]) => `<section><h3 id="${anchor(name)}">${esc(name)}</h3>${notes(s) ? `<p>${notes(s)}</p>` : ''}${schemaBlock(s)}</section>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title ?? 'API')} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code{background:#f4f4f4;border-radius:4px;padding:.1rem .3rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd}
h3{margin-top:2rem}.m{font-weight:600;color:#06c}small{color:#777;font-weight:400}table{border-collapse:collapse;margin:.4rem 0}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#fafafa}</style></head><body>
<h1>${esc(info.title ?? 'API')} API <small>v${esc(info.version ?? '')}</small></h1>
${info.description ? `<p>${prose(info.description)}</p>` : ''}
${intro}
<h2>Operations</h2><ul>${toc}</ul>
${ops.map(({ path, method, op }) => operation(path, method, op, schemas)).join('\n')}
<h2>Schemas</h2>
${schemaSections.join('\n')}
</body></html>`;
}
