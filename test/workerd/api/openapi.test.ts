import { describe, expect, it } from 'vitest';
import { createClient } from '../../../packages/client/src/index';
import { KEYS, makeApp, support } from './harness';
import { checkSchema } from './json-schema-check';

type Schema = Record<string, unknown>;
interface Operation {
  operationId?: string;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, unknown>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const SCHEMA_KEYS = ['type', '$ref', 'anyOf', 'oneOf', 'enum', 'properties'];

/** Every `example` in the document with the schema it illustrates (schemas, parameters, media types). */
function collectExamples(node: unknown, where = '#'): Array<{ where: string; value: unknown; schema: Schema }> {
  if (typeof node !== 'object' || node === null) return [];
  const out: Array<{ where: string; value: unknown; schema: Schema }> = [];
  const o = node as Record<string, unknown>;
  if ('example' in o) {
    if (SCHEMA_KEYS.some((k) => k in o)) out.push({ where, value: o.example, schema: o });
    else if (o.schema) out.push({ where, value: o.example, schema: o.schema as Schema });
    else throw new Error(`${where}: an example without a schema`);
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'example') out.push(...collectExamples(v, `${where}/${k}`));
  return out;
}

describe('OpenAPI document and typed client', () => {
  it('lists every route of the contract with its methods and schemas', async () => {
    const { call } = makeApp();
    const res = await call('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\.1/);
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes.sort()).toEqual(
      [
        'GET /healthz',
        'GET /v1/models',
        'GET /v1/models/{model}',
        'POST /v1/models/{model}/adapt',
        'POST /v1/models/{model}/predict',
        'DELETE /v1/models/{model}/users/{user}',
        'GET /v1/models/{model}/users/{user}',
        'POST /v1/models/{model}/heads',
        'GET /v1/models/{model}/heads/{headId}',
        'POST /v1/models/{model}/users/{user}/examples',
        'GET /v1/models/{model}/users/{user}/examples',
        'DELETE /v1/models/{model}/users/{user}/examples',
        'DELETE /v1/models/{model}/users/{user}/examples/{exampleId}',
      ].sort(),
    );
    for (const name of ['AdaptRequest', 'AdaptResponse', 'PredictRequest', 'PredictResponse', 'Problem', 'ModelInfo', 'Health', 'AppendExamples', 'UserExamples', 'ExampleItem']) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        if (p.startsWith('/v1')) expect(Object.keys(op.responses)).toContain('401');
      }
    }
  });

  it('is complete: unique operationIds, a requestBody on every POST, every example valid against its own schema', async () => {
    const { call } = makeApp();
    const doc = (await (await call('GET', '/openapi.json', { key: null })).json()) as OpenApiDoc;
    const components = doc.components.schemas;
    const ids: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${p}`).toMatch(/^[a-z][A-Za-z]+$/);
        ids.push(op.operationId!);
        if (method === 'post') {
          expect(op.requestBody?.required, `${method} ${p} requestBody`).toBe(true);
          expect(Object.keys(op.requestBody?.content ?? {}).length, `${method} ${p} requestBody`).toBeGreaterThan(0);
        }
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/v1/models/{model}/heads']!.post!.requestBody!.content).toHaveProperty('application/octet-stream');

    const examples = collectExamples(doc);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const { where, value, schema } of examples) expect(checkSchema(value, schema, components), where).toEqual([]);
    // The checker can fail: the old headId example does not match the headId pattern.
    const headId = examples.find((e) => e.where.includes('headId'))!;
    expect(checkSchema('a3f1…', headId.schema, components)).not.toEqual([]);
  });

  it('/docs renders every operation with its parameters, request and response schemas', async () => {
    const { call } = makeApp();
    const doc = (await (await call('GET', '/openapi.json', { key: null })).json()) as OpenApiDoc;
    const res = await call('GET', '/docs', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('/openapi.json');
    for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) expect(html).toContain(`id="op-${op.operationId}"`);
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    // The request body's fields, their types and constraints are on the page, not just the route list.
    const adaptRequest = html.slice(html.indexOf('id="schema-AdaptRequest"'));
    expect(adaptRequest).toMatch(/<code>user<\/code> <b>required<\/b><\/td><td>string/);
    expect(adaptRequest).toContain('<a href="#schema-SupportSet">SupportSet</a>');
    expect(html).toContain('<code>application/octet-stream</code>: string (binary)');
    // An operation shows its request and success bodies field by field, not only their names.
    const adaptOp = html.slice(html.indexOf('id="op-adapt"'), html.indexOf('</section>', html.indexOf('id="op-adapt"')));
    expect(adaptOp).toContain('<code>support</code> <b>required</b>');
    expect(adaptOp).toContain('<code>headId</code> <b>required</b>');
    expect(adaptOp).toMatch(/<code>400<\/code> <code>401<\/code>/);
    expect(html).not.toContain('<script');
  });

  it('the typed hono/client performs an adapt → predict round trip', async () => {
    const { app } = makeApp();
    const { env } = await import('cloudflare:workers');
    const client = createClient('http://api.test', KEYS.local, { fetch: ((input: RequestInfo | URL, init?: RequestInit) => app.request(input instanceof Request ? input : String(input), init, env)) as typeof fetch });
    const s = support(2, 3, 77, ['yes', 'no']);
    const adapted = await client.v1.models[':model'].adapt.$post({ param: { model: 'tiny' }, json: { user: 'typed', support: s } });
    expect(adapted.status).toBe(200);
    if (adapted.status !== 200) return;
    const a = await adapted.json();
    const predicted = await client.v1.models[':model'].predict.$post({ param: { model: 'tiny' }, json: { headId: a.headId, inputs: [s.inputs[0]!] } });
    expect(predicted.status).toBe(200);
    if (predicted.status !== 200) return;
    const p = await predicted.json();
    expect(p.predictions[0]).toMatchObject({ label: 'yes' });
    // A refusal is typed as the problem document it is.
    const refused = await client.v1.models[':model'].predict.$post({ param: { model: 'tiny' }, json: { headId: a.headId, inputs: [[1]] } });
    expect(refused.status).toBe(422);
    if (refused.ok) return;
    const problem = await refused.json();
    expect(problem).toMatchObject({ status: 422, code: 'input_length', title: 'Unprocessable Content' });
  });
});
