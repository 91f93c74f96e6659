import { HeadError } from './head';
import type { HeadErrorCode, Head } from './head';

const isLabel = (v: unknown): v is string | number => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** Checks the JSON-able part of a head (everything but tensor data) and returns it typed. */
export function checkHeadMeta(raw: unknown, code: HeadErrorCode): Omit<Head, 'params'> {
  const fail = (why: string): never => {
    throw new HeadError(code, why);
  };
  if (typeof raw !== 'object' || raw === null) return fail('not an object');
  const o = raw as Record<string, unknown>;
  if (typeof o.modelId !== 'string' || o.modelId.length === 0) fail('modelId must be a non-empty string');
  if (o.task !== 'classification' && o.task !== 'regression') fail(`unknown task ${JSON.stringify(o.task)}`);
  if (o.scope !== 'head' && o.scope !== 'all' && o.scope !== 'film' && o.scope !== 'late') fail(`unknown scope ${JSON.stringify(o.scope)}`);
  if (!Array.isArray(o.labels) || !o.labels.every(isLabel)) fail('labels must be an array of strings or finite numbers');
  if (o.shots !== undefined && !(Number.isSafeInteger(o.shots) && (o.shots as number) >= 1)) fail('shots must be a positive integer');
  const meta: Omit<Head, 'params'> = { modelId: o.modelId as string, task: o.task as Head['task'], scope: o.scope as Head['scope'], labels: [...(o.labels as (string | number)[])] };
  if (o.shots !== undefined) meta.shots = o.shots as number;
  return meta;
}

/** Checks a tensor shape: an array of non-negative safe integers; returns its element count. */
export function checkShape(shape: unknown, code: HeadErrorCode, name: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new HeadError(code, `tensor ${name}: bad shape ${JSON.stringify(shape)}`);
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size)) throw new HeadError(code, `tensor ${name}: shape too large`);
  return size;
}
