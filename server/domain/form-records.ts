/**
 * Pure helpers for documentation forms: reading field values out of documentation records, typing
 * them, the JSON Schema (2020-12) of a filled record, and the readable diff of two revisions.
 * No store access here; forms.ts builds the analyses on top.
 */
import { CodePointIndex } from './text.js';
import type { Document } from '../schemas/document.js';
import type { FieldType, FieldValue, FormDefinition, FormDiff, FormField } from '../schemas/form.js';

/** Every field of a form in order, with its section id. */
export function fieldsOf(form: FormDefinition): (FormField & { sectionId: string })[] {
  return form.sections.flatMap((s) => s.fields.map((f) => ({ ...f, sectionId: s.id })));
}

function normaliseLabel(label: string): string {
  return label.normalize('NFC').trim().replace(/\s+/g, ' ').replace(/[:?]+$/, '').toLocaleLowerCase('de');
}

/** Values that mean "nothing entered". */
const EMPTY_VALUES = new Set(['', '–', '-', '—', '/', 'keine angabe', 'k. a.', 'k.a.']);

export function isFilled(value: string): boolean {
  return !EMPTY_VALUES.has(value.trim().toLocaleLowerCase('de'));
}

/**
 * The field values of one documentation record. A record is a sequence of paragraphs (separated by
 * blank lines); a paragraph that starts with `Label:` where Label is a field's label (case and
 * spacing ignored) holds that field's value – the rest of the paragraph. Offsets are code points
 * into the record's text, so a segment lying inside [start, end) was coded in that field.
 * A label seen twice keeps its first paragraph.
 */
export function extractFieldValues(text: string, form: FormDefinition): FieldValue[] {
  const byLabel = new Map<string, string>();
  for (const f of fieldsOf(form)) byLabel.set(normaliseLabel(f.label), f.id);
  const index = new CodePointIndex(text);
  const out: FieldValue[] = [];
  const seen = new Set<string>();
  const paragraph = /[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*/g;
  for (const m of text.matchAll(paragraph)) {
    const at = m.index;
    const body = m[0];
    const head = /^[ \t]*([^:\n]{1,200}):[ \t]*/.exec(body);
    if (!head) continue;
    const fieldId = byLabel.get(normaliseLabel(head[1] ?? ''));
    if (fieldId === undefined || seen.has(fieldId)) continue;
    seen.add(fieldId);
    const value = body.slice(head[0].length).replace(/\s+$/, '');
    const start = at + head[0].length;
    out.push({ fieldId, text: value, start: index.toCodePoint(start), end: index.toCodePoint(start + value.length) });
  }
  return out;
}

/** The attribute `formular` of a record (the form id it was written with), if any. */
export function formOfRecord(doc: Pick<Document, 'kind' | 'attributes'>): string | undefined {
  if (doc.kind !== 'documentation') return undefined;
  const attr = doc.attributes['formular'];
  return attr ? String(attr.value) : undefined;
}

function parseDate(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (iso) return text;
  const de = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  if (de) return `${de[3]}-${(de[2] ?? '').padStart(2, '0')}-${(de[1] ?? '').padStart(2, '0')}`;
  return undefined;
}

/** Minutes from "45 Minuten", "1 Std. 30 Min.", "1:30 h", "90". */
function parseDuration(text: string): number | undefined {
  const t = text.toLocaleLowerCase('de');
  if (/^\d+$/.test(t)) return Number(t);
  const hm = /^(\d+):(\d{2})\s*(h|std\.?|stunden?)?$/.exec(t);
  if (hm) return Number(hm[1]) * 60 + Number(hm[2]);
  const hours = /(\d+(?:[.,]\d+)?)\s*(h\b|std|stunde)/.exec(t);
  const minutes = /(\d+)\s*(min)/.exec(t);
  if (!hours && !minutes) return undefined;
  return Math.round((hours ? Number((hours[1] ?? '0').replace(',', '.')) * 60 : 0) + (minutes ? Number(minutes[1]) : 0));
}

function matchOption(field: FormField, text: string): string | undefined {
  const t = text.trim().toLocaleLowerCase('de');
  return field.options.find((o) => o.value === t || o.label.toLocaleLowerCase('de') === t)?.value;
}

/**
 * A record's values typed by field (the shape the form's JSON Schema describes). A value that
 * cannot be read as its type stays the raw text, so validation shows it instead of hiding it.
 * Empty values ("–", "keine Angabe") are left out.
 */
export function typedRecord(form: FormDefinition, values: readonly FieldValue[]): Record<string, unknown> {
  const fields = new Map(fieldsOf(form).map((f) => [f.id, f]));
  const out: Record<string, unknown> = {};
  for (const v of values) {
    const field = fields.get(v.fieldId);
    if (!field || !isFilled(v.text)) continue;
    const text = v.text.trim();
    out[field.id] = typedValue(field, text);
  }
  return out;
}

function typedValue(field: FormField, text: string): unknown {
  switch (field.type) {
    case 'short-text':
    case 'long-text':
      return text;
    case 'single-choice':
      return matchOption(field, text) ?? text;
    case 'multiple-choice':
      return text.split(/\s*[,;]\s*/).map((p) => matchOption(field, p) ?? p);
    case 'checkbox': {
      const t = text.toLocaleLowerCase('de');
      if (['ja', 'yes', 'x', 'true', 'liegt vor'].includes(t)) return true;
      if (['nein', 'no', 'false'].includes(t)) return false;
      return text;
    }
    case 'date':
      return parseDate(text) ?? text;
    case 'number': {
      const n = Number(text.replace(',', '.'));
      return Number.isFinite(n) ? n : text;
    }
    case 'duration':
      return parseDuration(text) ?? text;
  }
}

const TYPE_DESCRIPTION: Record<FieldType, string> = {
  'short-text': 'short text',
  'long-text': 'long text',
  'single-choice': 'one option value',
  'multiple-choice': 'option values',
  checkbox: 'yes/no',
  date: 'date (YYYY-MM-DD)',
  number: 'number',
  duration: 'duration in minutes',
};

function valueSchema(field: FormField): Record<string, unknown> {
  const values = field.options.map((o) => o.value);
  switch (field.type) {
    case 'short-text':
      return { type: 'string', minLength: 1, maxLength: 1000 };
    case 'long-text':
      return { type: 'string', minLength: 1, maxLength: 100_000 };
    case 'single-choice':
      return { type: 'string', enum: values };
    case 'multiple-choice':
      return { type: 'array', items: { type: 'string', enum: values }, uniqueItems: true, minItems: 1 };
    case 'checkbox':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
    case 'number':
      return { type: 'number' };
    case 'duration':
      return { type: 'integer', minimum: 0 };
  }
}

/**
 * JSON Schema (draft 2020-12) of one filled record of this form revision: an object from field ids
 * to values by type (texts as strings, choices as option values, checkbox boolean, date
 * YYYY-MM-DD, duration integer minutes); required fields required, nothing else allowed.
 */
export function formToJsonSchema(form: FormDefinition, version: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const f of fieldsOf(form)) {
    properties[f.id] = {
      title: f.label,
      ...(f.help ? { description: f.help } : {}),
      ...valueSchema(f),
      ...(f.options.length > 0 ? { 'x-options': f.options.map((o) => ({ value: o.value, label: o.label })) } : {}),
      'x-field-type': f.type,
      'x-section': f.sectionId,
      $comment: TYPE_DESCRIPTION[f.type],
    };
    if (f.required) required.push(f.id);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:sichtbar:form:${form.id}:v${version}`,
    title: `${form.title} (Version ${version})`,
    ...(form.description ? { description: form.description } : {}),
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  };
}

const COMPARED: (keyof FormField)[] = ['label', 'help', 'type', 'options', 'required', 'captures'];

/** The readable difference between two revisions: fields added, removed and changed (property by property, including a move between sections). */
export function diffForms(before: FormDefinition, after: FormDefinition): FormDiff {
  const a = new Map(fieldsOf(before).map((f) => [f.id, f]));
  const b = new Map(fieldsOf(after).map((f) => [f.id, f]));
  const diff: FormDiff = { added: [], removed: [], changed: [] };
  for (const [id, f] of b) if (!a.has(id)) diff.added.push({ fieldId: id, label: f.label, sectionId: f.sectionId });
  for (const [id, f] of a) if (!b.has(id)) diff.removed.push({ fieldId: id, label: f.label, sectionId: f.sectionId });
  for (const [id, f] of b) {
    const old = a.get(id);
    if (!old) continue;
    const changes: FormDiff['changed'][number]['changes'] = [];
    for (const p of COMPARED) if (JSON.stringify(old[p]) !== JSON.stringify(f[p])) changes.push({ property: p, before: old[p], after: f[p] });
    if (old.sectionId !== f.sectionId) changes.push({ property: 'section', before: old.sectionId, after: f.sectionId });
    if (changes.length > 0) diff.changed.push({ fieldId: id, label: f.label, changes });
  }
  return diff;
}

/** The diff as short German lines for change logs and the backlog. */
export function describeDiff(diff: FormDiff): string[] {
  return [
    ...diff.added.map((x) => `Feld „${x.label}“ (${x.fieldId}) hinzugefügt`),
    ...diff.changed.map((x) => `Feld „${x.label}“ (${x.fieldId}) geändert: ${x.changes.map((c) => c.property).join(', ')}`),
    ...diff.removed.map((x) => `Feld „${x.label}“ (${x.fieldId}) entfernt`),
  ];
}
