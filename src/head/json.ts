import { HeadError } from './head';
import { checkHeadMeta, checkShape } from './validate';
import type { Head } from './head';
import type { NamedTensor } from '../spec/model-spec';

/** The JSON form of a head (the CLI's head.json): plain numbers, exact for float32 values. */
export interface HeadJson {
  format: 'fewshot-head';
  version: 1;
  headId?: string;
  modelId: string;
  task: Head['task'];
  labels: (string | number)[];
  scope: Head['scope'];
  shots?: number;
  params: Record<string, { shape: number[]; data: number[] }>;
}

/** A head as JSON; `headId` is recorded when given so `predict` can echo it. */
export function headToJson(head: Head, headId?: string): HeadJson {
  const params: HeadJson['params'] = {};
  for (const [name, t] of Object.entries(head.params)) params[name] = { shape: [...t.shape], data: Array.from(t.data) };
  const base = { format: 'fewshot-head' as const, version: 1 as const };
  const meta = { modelId: head.modelId, task: head.task, labels: [...head.labels], scope: head.scope, ...(head.shots === undefined ? {} : { shots: head.shots }), params };
  return headId === undefined ? { ...base, ...meta } : { ...base, headId, ...meta };
}

/** Parses and validates a head's JSON form (a recorded `headId` is checked, not returned); throws HeadError('bad_json'). */
export function headFromJson(raw: unknown): Head {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (o.format !== 'fewshot-head') throw new HeadError('bad_json', 'not a fewshot head (format ≠ "fewshot-head")');
  if (o.version !== 1) throw new HeadError('bad_json', `unsupported head version ${JSON.stringify(o.version)}`);
  if (o.headId !== undefined && typeof o.headId !== 'string') throw new HeadError('bad_json', 'headId must be a string');
  const meta = checkHeadMeta(o, 'bad_json');
  if (typeof o.params !== 'object' || o.params === null || Array.isArray(o.params)) throw new HeadError('bad_json', 'params must be an object');
  const params: Record<string, NamedTensor> = {};
  for (const [name, t] of Object.entries(o.params as Record<string, unknown>)) {
    const rec = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    const size = checkShape(rec.shape, 'bad_json', name);
    const data = rec.data;
    if (!Array.isArray(data) || data.length !== size) throw new HeadError('bad_json', `tensor ${name}: expected ${size} values`);
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new HeadError('bad_json', `tensor ${name}: value ${i} is not a finite number`);
      out[i] = v;
    }
    params[name] = { shape: [...(rec.shape as number[])], data: out };
  }
  return { ...meta, params };
}
