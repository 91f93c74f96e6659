/**
 * Checks a value against the JSON Schema subset our zod schemas generate. Any keyword it does not
 * know fails the check, so a new kind of schema cannot pass unexamined.
 */
type Schema = Record<string, unknown>;

const KNOWN = new Set(['type', 'properties', 'required', 'items', 'anyOf', 'oneOf', 'enum', 'const', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'format', 'additionalProperties', 'propertyNames', 'description', 'example', 'default', '$ref', 'nullable']);

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** Problems found (empty: the value conforms). `$ref`s resolve against `components`. */
export function checkSchema(value: unknown, schema: Schema, components: Record<string, Schema>, at = '$'): string[] {
  const unknown = Object.keys(schema).filter((k) => !KNOWN.has(k));
  if (unknown.length) return [`${at}: unchecked keywords ${unknown.join(', ')}`];
  if (typeof schema.$ref === 'string') {
    const target = components[schema.$ref.replace('#/components/schemas/', '')];
    return target ? checkSchema(value, target, components, at) : [`${at}: dangling ${schema.$ref}`];
  }
  const alts = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alts && !alts.some((s) => checkSchema(value, s, components, at).length === 0)) return [`${at}: matches no alternative`];
  const errs: string[] = [];
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) return [`${at}: ${t} is not ${types.join('|')}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errs.push(`${at}: not in enum`);
  if ('const' in schema && schema.const !== value) errs.push(`${at}: not the const`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errs.push(`${at}: ${JSON.stringify(value)} fails /${schema.pattern}/`);
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) errs.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) errs.push(`${at}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errs.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errs.push(`${at}: above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) errs.push(`${at}: not above ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) errs.push(`${at}: not below ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errs.push(`${at}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errs.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((v, i) => errs.push(...checkSchema(v, schema.items as Schema, components, `${at}[${i}]`)));
  }
  if (t === 'object') {
    const obj = value as Record<string, unknown>;
    for (const k of (schema.required as string[] | undefined) ?? []) if (!(k in obj)) errs.push(`${at}: missing ${k}`);
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) errs.push(...checkSchema(v, props[k]!, components, `${at}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${at}: unexpected ${k}`);
      else if (typeof schema.additionalProperties === 'object') errs.push(...checkSchema(v, schema.additionalProperties as Schema, components, `${at}.${k}`));
    }
  }
  return errs;
}
