/**
 * Typing of attribute values read from front matter and sidecar CSV files, shared so both
 * sources give the same type for the same value.
 */
import { AttributeNameSchema, type AttributeValue } from '../schemas/attribute.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a calendar-valid `YYYY-MM-DD` (2024-02-30 is not). */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Longest text attribute value (AttributeValueSchema). */
export const MAX_TEXT_VALUE = 10_000;

/** A string becomes a date if it is `YYYY-MM-DD`, otherwise text. */
export function typeString(s: string): AttributeValue {
  return isIsoDate(s) ? { type: 'date', value: s } : { type: 'text', value: s };
}

/**
 * Type a cell of a CSV file: `true`/`false` (any case) → boolean, a decimal number → number,
 * `YYYY-MM-DD` → date, anything else → text; empty → undefined (no attribute).
 * Integers with a leading zero (postcodes such as 01067, case numbers) stay text, and a decimal
 * comma is not read as a number (it is ambiguous with lists).
 */
export function typeCell(raw: string): AttributeValue | undefined {
  const s = raw.trim();
  if (s === '') return undefined;
  const lower = s.toLowerCase();
  if (lower === 'true') return { type: 'boolean', value: true };
  if (lower === 'false') return { type: 'boolean', value: false };
  if (/^[+-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n)) return { type: 'number', value: n };
  }
  return typeString(s);
}

/** Validate an attribute name; returns the trimmed name or a reason. */
export function checkAttributeName(name: string): { ok: true; name: string } | { ok: false; reason: string } {
  const parsed = AttributeNameSchema.safeParse(name);
  if (parsed.success) return { ok: true, name: parsed.data };
  const trimmed = name.trim();
  if (['__proto__', 'constructor', 'prototype'].includes(trimmed)) {
    return { ok: false, reason: `"${trimmed}" is a reserved name and cannot be an attribute` };
  }
  if (trimmed === '') return { ok: false, reason: 'attribute name is empty' };
  return { ok: false, reason: `attribute name "${trimmed.slice(0, 40)}…" is longer than 100 characters` };
}
