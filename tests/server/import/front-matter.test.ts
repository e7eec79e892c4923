import { describe, expect, it } from 'vitest';
import { AttributesSchema } from '../../../server/schemas/attribute.js';
import { parseFrontMatter } from '../../../server/import/front-matter.js';
import { importError, reasonOf } from './helpers.js';

describe('parseFrontMatter', () => {
  it('returns the text unchanged when there is no front matter', () => {
    expect(parseFrontMatter('a.md', '# Titel\n\nText')).toEqual({
      body: '# Titel\n\nText',
      bodyLineOffset: 0,
      attributes: {},
    });
  });

  it('does not take a later "---" line for front matter', () => {
    expect(parseFrontMatter('a.md', 'Text\n---\nmehr').body).toBe('Text\n---\nmehr');
  });

  it('reads title, kind and typed attributes', () => {
    const text = [
      '---',
      'title: Beratung 3',
      'kind: Observation',
      'region: Nord',
      'dauer: 45',
      'anteil: 0.25',
      'erstkontakt: true',
      'datum: 2024-03-05',
      "quoted: '2024-03-06'",
      'falsch: 2024-02-30',
      'leer: null',
      'themen: [Miete, Schulden, 3]',
      'attributes:',
      '  fachkraft: FK-07',
      '  termin: 2024-04-01',
      '---',
      'Erste Zeile',
    ].join('\n');
    const fm = parseFrontMatter('b.md', text);
    expect(fm.title).toBe('Beratung 3');
    expect(fm.kind).toBe('observation');
    expect(fm.body).toBe('Erste Zeile');
    expect(fm.bodyLineOffset).toBe(16);
    expect(fm.attributes).toEqual({
      region: { type: 'text', value: 'Nord' },
      dauer: { type: 'number', value: 45 },
      anteil: { type: 'number', value: 0.25 },
      erstkontakt: { type: 'boolean', value: true },
      datum: { type: 'date', value: '2024-03-05' },
      quoted: { type: 'date', value: '2024-03-06' },
      falsch: { type: 'text', value: '2024-02-30' },
      themen: { type: 'text', value: 'Miete, Schulden, 3' },
      fachkraft: { type: 'text', value: 'FK-07' },
      termin: { type: 'date', value: '2024-04-01' },
    });
    expect(AttributesSchema.parse(fm.attributes)).toEqual(fm.attributes);
    expect(Object.getPrototypeOf(fm.attributes)).toBe(Object.prototype);
  });

  it('accepts "..." as the closing line and an empty front matter', () => {
    expect(parseFrontMatter('a.md', '---\nregion: Süd\n...\nText')).toEqual({
      body: 'Text',
      bodyLineOffset: 3,
      attributes: { region: { type: 'text', value: 'Süd' } },
    });
    expect(parseFrontMatter('a.md', '---\n---\nText')).toEqual({ body: 'Text', bodyLineOffset: 2, attributes: {} });
  });

  it('reports malformed YAML with the line number in the file', () => {
    const text = '---\nregion: Nord\ntitle: Beratung: Teil 2\n---\nText';
    const e = importError(() => parseFrontMatter('c.md', text));
    expect(e.line).toBe(3);
    expect(e.message).toBe(
      'c.md:3: invalid YAML in front matter: Nested mappings are not allowed in compact mappings (put a value containing ": " in quotes)',
    );
  });

  it('reports tab indentation and duplicate keys on their lines', () => {
    expect(importError(() => parseFrontMatter('a.md', '---\na: 1\nb: 2\n\tc: 3\n---\n')).line).toBe(4);
    const dup = importError(() => parseFrontMatter('a.md', '---\nregion: Nord\nx: 1\nregion: Süd\n---\nText'));
    expect(dup.line).toBe(4);
    expect(reasonOf(dup)).toBe('invalid YAML in front matter: Map keys must be unique');
  });

  it('reports unclosed front matter on line 1', () => {
    const e = importError(() => parseFrontMatter('d.md', '---\ntitle: X\n\nText ohne Ende'));
    expect(e.line).toBe(1);
    expect(reasonOf(e)).toBe('front matter is not closed: no line "---" after the opening "---"');
    expect(importError(() => parseFrontMatter('d.md', '---')).line).toBe(1);
  });

  it('rejects an invalid kind, listing the valid kinds', () => {
    const e = importError(() => parseFrontMatter('e.md', '---\ntitle: X\nkind: protokoll\n---\nText'));
    expect(e.line).toBe(3);
    expect(reasonOf(e)).toBe('invalid kind "protokoll"; valid kinds: observation, interview, documentation, other');
  });

  it('rejects __proto__, constructor and prototype keys without polluting prototypes', () => {
    const top = importError(() => parseFrontMatter('f.md', '---\nregion: Nord\n__proto__: 1\n---\nText'));
    expect(top.line).toBe(3);
    expect(reasonOf(top)).toBe('"__proto__" is a reserved name and cannot be an attribute');
    const nested = importError(() =>
      parseFrontMatter('f.md', '---\nattributes:\n  ok: 1\n  __proto__:\n    polluted: true\n---\nText'),
    );
    expect(nested.line).toBe(4);
    expect(reasonOf(importError(() => parseFrontMatter('f.md', '---\nconstructor: x\n---\nT')))).toBe(
      '"constructor" is a reserved name and cannot be an attribute',
    );
    expect(importError(() => parseFrontMatter('f.md', '---\nattributes:\n  prototype: x\n---\nT')).line).toBe(3);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects a nested mapping as attribute, naming key and line', () => {
    const e = importError(() => parseFrontMatter('g.md', '---\ntitle: X\nort:\n  stadt: Kassel\n---\nText'));
    expect(e.line).toBe(3);
    expect(reasonOf(e)).toBe(
      'attribute "ort" is a nested mapping; only single values and lists are supported (put attributes under "attributes:")',
    );
    const list = importError(() => parseFrontMatter('g.md', '---\nliste:\n  - a: 1\n---\nText'));
    expect(list.line).toBe(2);
    expect(reasonOf(list)).toBe(
      'attribute "liste" is a list with nested lists or mappings; only lists of single values are supported',
    );
  });

  it('rejects an attribute given both at top level and under attributes', () => {
    const e = importError(() => parseFrontMatter('a.md', '---\nregion: Nord\nattributes:\n  region: Süd\n---\nT'));
    expect(e.line).toBe(4);
    expect(reasonOf(e)).toBe('attribute "region" is given twice');
  });

  it('rejects front matter that is not a mapping', () => {
    const e = importError(() => parseFrontMatter('a.md', '---\n- eins\n- zwei\n---\nT'));
    expect(e.line).toBe(2);
    expect(reasonOf(e)).toBe('front matter must be YAML "key: value" lines');
  });

  it('rejects infinite numbers', () => {
    expect(reasonOf(importError(() => parseFrontMatter('a.md', '---\nwert: .inf\n---\nT')))).toBe(
      'attribute "wert" is not a finite number',
    );
  });

  it('stops alias bombs', () => {
    const bomb = [
      '---',
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      '---',
      'Text',
    ].join('\n');
    const e = importError(() => parseFrontMatter('bomb.md', bomb));
    expect(reasonOf(e)).toBe(
      'front matter cannot be read: Excessive alias count indicates a resource exhaustion attack',
    );
  });

  it('limits front matter to 64 KB', () => {
    const big = `---\n${'notiz: x\n'.repeat(10)}lang: "${'a'.repeat(70 * 1024)}"\n---\nText`;
    const e = importError(() => parseFrontMatter('big.md', big));
    expect(e.line).toBe(1);
    expect(reasonOf(e)).toBe('front matter is larger than 64 KB');
  });
});
