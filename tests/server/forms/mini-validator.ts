/**
 * A small JSON Schema validator for the subset that formToJsonSchema emits (type, properties,
 * required, additionalProperties: false, enum, items, uniqueItems, minItems, minLength, maxLength,
 * pattern, minimum). ajv is not a dependency of the project (node_modules holds only ajv 6, a
 * transitive dependency without draft 2020-12), so the tests validate with this instead; every
 * keyword the export uses must be understood here, which the test asserts too.
 */
export const KNOWN_KEYWORDS = new Set([
  '$schema', '$id', '$comment', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties',
  'enum', 'items', 'uniqueItems', 'minItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'format',
]);

type Schema = Record<string, unknown>;

function typeOk(type: unknown, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    default:
      throw new Error(`unknown type ${String(type)}`);
  }
}

export function validate(schema: Schema, value: unknown, path = ''): string[] {
  const errors: string[] = [];
  if (schema['type'] !== undefined && !typeOk(schema['type'], value)) return [`${path || '/'}: not ${String(schema['type'])}`];
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value)) errors.push(`${path}: not one of ${schema['enum'].join(', ')}`);
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && [...value].length < schema['minLength']) errors.push(`${path}: too short`);
    if (typeof schema['maxLength'] === 'number' && [...value].length > schema['maxLength']) errors.push(`${path}: too long`);
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value)) errors.push(`${path}: does not match ${schema['pattern']}`);
  }
  if (typeof value === 'number' && typeof schema['minimum'] === 'number' && value < schema['minimum']) errors.push(`${path}: below minimum`);
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) errors.push(`${path}: too few items`);
    if (schema['uniqueItems'] === true && new Set(value.map((x) => JSON.stringify(x))).size !== value.length) errors.push(`${path}: items not unique`);
    if (schema['items']) value.forEach((x, i) => errors.push(...validate(schema['items'] as Schema, x, `${path}/${i}`)));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const props = (schema['properties'] ?? {}) as Record<string, Schema>;
    for (const r of (schema['required'] ?? []) as string[]) if (!(r in value)) errors.push(`${path}/${r}: required`);
    for (const [k, v] of Object.entries(value)) {
      const p = props[k];
      if (p) errors.push(...validate(p, v, `${path}/${k}`));
      else if (schema['additionalProperties'] === false) errors.push(`${path}/${k}: not allowed`);
    }
  }
  return errors;
}

/** Every keyword used anywhere in the schema (x- annotations excluded). */
export function keywordsOf(schema: unknown, out = new Set<string>()): Set<string> {
  if (typeof schema !== 'object' || schema === null) return out;
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-')) continue;
    out.add(k);
    if (k === 'properties') for (const p of Object.values(v as object)) keywordsOf(p, out);
    if (k === 'items') keywordsOf(v, out);
  }
  return out;
}
