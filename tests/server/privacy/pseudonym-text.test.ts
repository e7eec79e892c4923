import { describe, expect, it } from 'vitest';
import { OffsetMap, PseudonymMatcher, pseudonymiseString, replaceAll } from '../../../server/domain/pseudonym-text.js';
import { CodePointIndex, cpLength } from '../../../server/domain/text.js';
import type { PseudonymEntry } from '../../../server/schemas/pseudonym.js';
import { PseudonymEntriesSchema } from '../../../server/schemas/pseudonym.js';

// Fictitious names only.
const KEY: PseudonymEntry[] = [
  { real: 'Schneider', pseudonym: 'Berger', category: 'person' },
  { real: 'Anna Schneider', pseudonym: 'Lisa Berger', category: 'person' },
  { real: 'Jörg', pseudonym: 'Till', category: 'person' },
  { real: 'Klaus', pseudonym: 'Rainer', category: 'person' },
  { real: 'Ölsdorf', pseudonym: 'Ort A', category: 'place' },
  { real: 'Lindenschule', pseudonym: 'Schule B', category: 'institution' },
];

/** Replace and map a range; returns the new text and what the range covers afterwards. */
function run(text: string, start: number, end: number, entries = KEY, options = { caseSensitive: true, inflections: true }) {
  const matcher = new PseudonymMatcher(entries, options);
  const index = new CodePointIndex(text);
  const found = matcher.find(text, index);
  const next = replaceAll(text, found, index);
  const map = new OffsetMap(found);
  const s = map.map(start, 'start');
  const e = map.map(end, 'end');
  return { next, covered: new CodePointIndex(next).slice(s, e), start: s, end: e, found };
}

/** Code-point range of `part` in `text`. */
function range(text: string, part: string, from = 0): [number, number] {
  const u = text.indexOf(part, from);
  expect(u).toBeGreaterThanOrEqual(0);
  const index = new CodePointIndex(text);
  const s = index.toCodePoint(u);
  return [s, s + cpLength(part)];
}

describe('matching', () => {
  it('replaces whole words only, case-sensitive, the longest name first', () => {
    const text = 'Anna Schneider und Frau Schneider; die Schneiderei und schneider bleiben.';
    const { next, found } = run(text, 0, 1);
    expect(next).toBe('Lisa Berger und Frau Berger; die Schneiderei und schneider bleiben.');
    expect(found.map((f) => f.entry.real)).toEqual(['Anna Schneider', 'Schneider']);
  });

  it('ignores case on request', () => {
    expect(run('SCHNEIDER und schneider', 0, 1, KEY, { caseSensitive: false, inflections: true }).next).toBe('Berger und Berger');
  });

  it('replaces the genitive s and the apostrophe genitive', () => {
    expect(run("Schneiders Tochter und Klaus' Sohn, Jörgs Hund", 0, 1).next).toBe("Bergers Tochter und Rainers Sohn, Tills Hund");
    expect(run('Schneiders Tochter', 0, 1, KEY, { caseSensitive: true, inflections: false }).next).toBe('Schneiders Tochter');
    // An apostrophe after a name not ending in s is a quote and stays.
    expect(run("'Schneider' sagte sie", 0, 1).next).toBe("'Berger' sagte sie");
  });

  it('handles umlauts and astral characters around names', () => {
    expect(run('😀Jörg aus Ölsdorf😀', 0, 1).next).toBe('😀Till aus Ort A😀');
    // A letter with a combining mark is part of the word: "Jörg" + U+0301 is not "Jörg".
    expect(run('Jörg\u0301 kam', 0, 1).next).toBe('Jörg\u0301 kam');
  });

  it('replaces in short strings (titles, speaker labels)', () => {
    expect(pseudonymiseString(new PseudonymMatcher(KEY), 'Interview Frau Schneider (Lindenschule)')).toBe('Interview Frau Berger (Schule B)');
  });

  it('validates the key: unique real names, no chains, no empty names', () => {
    expect(PseudonymEntriesSchema.safeParse(KEY).success).toBe(true);
    const twice = PseudonymEntriesSchema.safeParse([...KEY, { real: 'Schneider', pseudonym: 'Maier', category: 'person' }]);
    expect(twice.success).toBe(false);
    const chain = PseudonymEntriesSchema.safeParse([...KEY, { real: 'Berger', pseudonym: 'Maier', category: 'person' }]);
    expect(chain.error?.issues[0]?.message).toContain('also a real name');
    expect(PseudonymEntriesSchema.safeParse([{ real: ' ', pseudonym: 'X', category: 'person' }]).success).toBe(false);
    expect(PseudonymEntriesSchema.safeParse([{ real: 'A\nB', pseudonym: 'X', category: 'person' }]).success).toBe(false);
  });
});

describe('offset mapping', () => {
  const text = 'Gestern: Frau Schneider kam mit Jörg. Danach ging Frau Schneider.';

  it('a segment covering "Frau Schneider kam" covers "Frau Berger kam"', () => {
    const [s, e] = range(text, 'Frau Schneider kam');
    expect(run(text, s, e).covered).toBe('Frau Berger kam');
  });

  it('segments before, after and spanning replacements keep their words', () => {
    const [s1, e1] = range(text, 'Gestern');
    expect(run(text, s1, e1).covered).toBe('Gestern');
    const [s2, e2] = range(text, 'Danach ging');
    expect(run(text, s2, e2).covered).toBe('Danach ging');
    const [s3, e3] = range(text, 'Schneider kam mit Jörg. Danach ging Frau Schneider.');
    expect(run(text, s3, e3).covered).toBe('Berger kam mit Till. Danach ging Frau Berger.');
  });

  it('a segment starting or ending inside a name covers the whole pseudonym', () => {
    const [s] = range(text, 'neider kam');
    const [, e] = range(text, 'Frau Schnei');
    expect(run(text, s, s + 'neider kam'.length).covered).toBe('Berger kam');
    const [fs] = range(text, 'Frau Schnei');
    expect(run(text, fs, e).covered).toBe('Frau Berger');
    // Entirely inside one name.
    const [ins] = range(text, 'chnei');
    expect(run(text, ins, ins + 5).covered).toBe('Berger');
  });

  it('a segment ending right before a name or starting right after one is not widened', () => {
    const [s, e] = range(text, 'Frau ');
    expect(run(text, s, e).covered).toBe('Frau ');
    const [s2, e2] = range(text, ' kam mit');
    expect(run(text, s2, e2).covered).toBe(' kam mit');
  });

  it('several replacements in one paragraph, with astral characters and umlauts', () => {
    const t = '😀 Jörg, Klaus und Schneider 😀 trafen sich in Ölsdorf 🎉 an der Lindenschule. Ende.';
    const [s, e] = range(t, 'Klaus und Schneider 😀 trafen');
    expect(run(t, s, e).covered).toBe('Rainer und Berger 😀 trafen');
    const [s2, e2] = range(t, '🎉 an der Lindenschule. Ende');
    expect(run(t, s2, e2).covered).toBe('🎉 an der Schule B. Ende');
    const [s3, e3] = range(t, 'Ende.');
    const r = run(t, s3, e3);
    expect(r.covered).toBe('Ende.');
    expect(r.end).toBe(cpLength(r.next));
  });

  it('maps every offset monotonically', () => {
    const t = 'Schneider Jörg Schneider, Klaus! Lindenschule';
    const matcher = new PseudonymMatcher(KEY);
    const map = new OffsetMap(matcher.find(t));
    let last = -1;
    for (let i = 0; i <= cpLength(t); i++) {
      const m = map.map(i, 'start');
      expect(m).toBeGreaterThanOrEqual(last);
      expect(map.map(i, 'end')).toBeGreaterThanOrEqual(m);
      last = m;
    }
    expect(map.map(cpLength(t), 'end')).toBe(cpLength(replaceAll(t, matcher.find(t))));
  });
});
