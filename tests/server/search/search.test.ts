import { describe, expect, it } from 'vitest';
import { applyCode } from '../../../server/domain/coding.js';
import { addDocuments, createSet, deleteDocument, updateDocument } from '../../../server/domain/corpus.js';
import { InvalidInput } from '../../../server/domain/errors.js';
import { compoundParts, foldCase, isStopWord, projectIndex, stem, STOP_WORDS, tokenize, tokensOf } from '../../../server/domain/search-index.js';
import { globMatch, parseQuery, search } from '../../../server/domain/search.js';
import { INTERVIEW, OBSERVATION, rangeOf, searchFixture } from './fixture.js';

const stemOf = (word: string): string => stem(foldCase(word));
const matches = async (query: string, scope = {}): Promise<string[]> => {
  const f = await searchFixture();
  const r = await search(f.deps, f.projectId, { query, scope });
  return r.hits.map((h) => `${h.documentId}:${h.match}`);
};

describe('tokenisation', () => {
  it('keeps capital umlauts and ß, joins hyphenated compounds, and counts code points', () => {
    const tokens = tokenize('Ärger, Übergabe – Straße; Jugendamt-Mitarbeiter 😀 Öl 3. März');
    expect(tokens.map((t) => t.surface)).toEqual(['Ärger', 'Übergabe', 'Straße', 'Jugendamt-Mitarbeiter', 'Öl', '3', 'März']);
    // The emoji is one code point (two UTF-16 units): "Öl" starts at code point 50, not 51.
    const ol = tokens[4];
    expect(ol).toEqual({ surface: 'Öl', start: 50, end: 52 });
    expect([...'Ärger, Übergabe – Straße; Jugendamt-Mitarbeiter 😀 Öl'].slice(50, 52).join('')).toBe('Öl');
  });

  it('folds case the German way', () => {
    expect(foldCase('ÄRGER')).toBe('ärger');
    expect(foldCase('Übergabe')).toBe('übergabe');
  });

  it('has a German stop-word list of about 150 words', () => {
    expect(STOP_WORDS.size).toBeGreaterThanOrEqual(150);
    for (const w of ['der', 'und', 'nicht', 'ähm', 'über', 'dass']) expect(isStopWord(w)).toBe(true);
    for (const w of ['beratung', 'jugendamt', 'gespräch']) expect(isStopWord(w)).toBe(false);
  });

  it('splits compounds into their parts for the index', () => {
    expect(compoundParts('jugendamt-mitarbeiter')).toEqual(['jugendamt', 'mitarbeiter']);
    expect(compoundParts('u-bahn')).toEqual(['bahn']);
  });
});

describe('stemming groups (German Porter stemmer + our derivation rule)', () => {
  it('groups Beratung / Beratungen / beraten / berät', () => {
    expect(new Set(['Beratung', 'Beratungen', 'beraten', 'berät'].map(stemOf))).toEqual(new Set(['berat']));
  });
  it('groups Gespräch / Gespräche / Gesprächs', () => {
    expect(new Set(['Gespräch', 'Gespräche', 'Gesprächs'].map(stemOf))).toEqual(new Set(['gesprach']));
  });
  it('groups Jugendamt / Jugendämter / Jugendamts', () => {
    expect(new Set(['Jugendamt', 'Jugendämter', 'Jugendamts'].map(stemOf))).toEqual(new Set(['jugendamt']));
  });
  it('groups Dokumentation / dokumentiert / dokumentieren / Dokument only through the documented derivation rule', async () => {
    // Plain Snowball keeps them apart (measured): dokumentation, dokumentiert, dokumenti.
    const { default: porter } = await import('natural/lib/natural/stemmers/porter_stemmer_de.js');
    expect(['dokumentation', 'dokumentiert', 'dokumentieren'].map((w) => porter.stem(w))).toEqual(['dokumentation', 'dokumentiert', 'dokumenti']);
    expect(new Set(['Dokumentation', 'dokumentiert', 'dokumentieren', 'Dokument', 'Dokumentationen'].map(stemOf))).toEqual(new Set(['dokument']));
  });
  it('leaves short words alone (the rule needs five letters left)', () => {
    expect(stemOf('Papier')).toBe('papi');
    expect(stemOf('Taxi')).toBe('taxi');
  });
  it('stems capital-umlaut words without losing the first letter', () => {
    expect(stemOf('Ärger')).toBe('arg');
    expect(stemOf('Übergabe')).toBe('ubergab');
  });
});

describe('query language', () => {
  it('parses words, exact words, wildcards, phrases, AND/OR/NOT and brackets', () => {
    expect(parseQuery('Beratung')).toEqual({ type: 'term', text: 'Beratung', exact: false });
    expect(parseQuery('=Beratung')).toEqual({ type: 'term', text: 'Beratung', exact: true });
    expect(parseQuery('Beratung*').type).toBe('wildcard');
    expect(parseQuery('"das Gespräch"')).toEqual({ type: 'phrase', words: [{ text: 'das', exact: false }, { text: 'Gespräch', exact: false }] });
    expect(parseQuery('a b OR c')).toEqual({
      type: 'or',
      children: [{ type: 'and', children: [{ type: 'term', text: 'a', exact: false }, { type: 'term', text: 'b', exact: false }] }, { type: 'term', text: 'c', exact: false }],
    });
    expect(parseQuery('a AND (b ODER c) NICHT d').type).toBe('and');
    expect(parseQuery('a -b')).toEqual({ type: 'and', children: [{ type: 'term', text: 'a', exact: false }, { type: 'not', child: { type: 'term', text: 'b', exact: false } }] });
  });

  it('rejects broken queries with a reason', () => {
    for (const q of ['', '(a', 'a)', '"a', 'NOT a', 'a OR', '*', 'a*']) expect(() => parseQuery(q), q).toThrow(InvalidInput);
  });
});

describe('search', () => {
  it('finds all forms of a stemmed word, with code-point offsets and context', async () => {
    const f = await searchFixture();
    const r = await search(f.deps, f.projectId, { query: 'Beratung', context: 10 });
    expect(r.hits.map((h) => `${h.documentId}:${h.match}`)).toEqual(['obs:Beratung', 'obs:Beratungen', 'rec:Beratung', 'int:Beraten']);
    expect(r.total).toBe(4);
    expect(r.documents).toEqual([
      { documentId: 'obs', title: 'Beobachtung 1', count: 2 },
      { documentId: 'rec', title: 'Dokumentation 1', count: 1 },
      { documentId: 'int', title: 'Interview 1', count: 1 },
    ]);
    // The emoji before "Jugendämter" is one code point but two UTF-16 units: offsets shift by one.
    const jug = await search(f.deps, f.projectId, { query: 'Jugendämter', context: 5 });
    const hit = jug.hits.find((h) => h.match === 'Jugendämter');
    const expected = rangeOf(OBSERVATION, 'Jugendämter');
    expect(hit).toMatchObject({ documentId: 'obs', start: expected.start, end: expected.end, left: ' die ', right: ' der ' });
    expect(expected.start).toBe(OBSERVATION.indexOf('Jugendämter') - 1);
  });

  it('searches exact forms with = and without stemming', async () => {
    expect(await matches('=Beratung')).toEqual(['obs:Beratung', 'rec:Beratung']);
    expect(await matches('=beratungen')).toEqual(['obs:Beratungen']);
  });

  it('finds capital umlaut words in any case', async () => {
    expect(await matches('Ärger')).toEqual(['obs:Ärger']);
    expect(await matches('ärger')).toEqual(['obs:Ärger']);
    expect(await matches('ÜBERGABE')).toEqual(['obs:Übergabe']);
  });

  it('finds Jugendamt in its plural and inside a hyphenated compound', async () => {
    expect(await matches('Jugendamt')).toEqual(['obs:Jugendamt', 'obs:Jugendämter', 'int:Jugendamt-Mitarbeiter']);
  });

  it('finds phrases as consecutive words (stemmed, or exact with =)', async () => {
    expect(await matches('"das Gespräch"')).toEqual(['int:das Gespräch', 'int:das Gespräch']);
    expect(await matches('"die Gespräche mit"')).toEqual(['int:Die Gespräche mit']);
    expect(await matches('"Gespräch danach"')).toEqual(['int:Gespräche danach']);
    expect(await matches('="Gespräch danach"')).toEqual([]);
    expect(await matches('"Gespräch Beratung"')).toEqual([]);
  });

  it('wildcards match word forms', async () => {
    expect(await matches('Beratung*')).toEqual(['obs:Beratung', 'obs:Beratungen', 'rec:Beratungsgespräch', 'rec:Beratung']);
    expect(await matches('Jugend?mt')).toEqual(['obs:Jugendamt', 'int:Jugendamt-Mitarbeiter']);
    expect(await matches('*gespräch')).toEqual(['obs:Gespräch', 'rec:Beratungsgespräch', 'int:Gespräch', 'int:Gespräch']);
  });

  it('combines with AND (default), OR, NOT and brackets at document level', async () => {
    expect(await matches('Kaffee Antrag')).toEqual(['obs:Kaffee', 'obs:Antrag']);
    expect(await matches('Kaffee AND Gespräch')).toEqual(['obs:Kaffee', 'obs:Gespräch']);
    expect(await matches('Kaffee OR Ergebnis')).toEqual(['obs:Kaffee', 'rec:Ergebnis']);
    expect(await matches('Antrag NOT Kaffee')).toEqual(['rec:Antrag']);
    expect(await matches('Antrag -Kaffee')).toEqual(['rec:Antrag']);
    expect(await matches('(Kaffee OR Ergebnis) NICHT Jugendamt')).toEqual(['rec:Ergebnis']);
    expect(await matches('Kaffee UND Ergebnis')).toEqual([]);
  });

  it('scopes to a document set', async () => {
    const f = await searchFixture();
    await createSet(f.deps, f.projectId, { name: 'Region 1', definition: { type: 'filter', filter: { attributes: [{ name: 'region', anyOf: ['Region 1'] }] } } });
    const r = await search(f.deps, f.projectId, { query: 'Gespräch', scope: { set: 'Region 1' } });
    expect(r.hits.map((h) => h.documentId)).toEqual(['obs']);
  });

  it("scopes to a speaker's turns (the utterance, not the label)", async () => {
    const f = await searchFixture();
    const fk = await search(f.deps, f.projectId, { query: 'Gespräch', scope: { speaker: 'FK' } });
    expect(fk.hits.map((h) => h.match)).toEqual(['Gespräch', 'Gespräche']);
    const interviewer = await search(f.deps, f.projectId, { query: 'Gespräch', scope: { speaker: 'i' } });
    expect(interviewer.hits.map((h) => h.start)).toEqual([rangeOf(INTERVIEW, 'Gespräch').start, rangeOf(INTERVIEW, 'Gespräche').start]);
    expect((await search(f.deps, f.projectId, { query: 'FK', scope: { speaker: 'FK' } })).total).toBe(0);
  });

  it('scopes to the segments of a code and its sub-codes, and combines scopes', async () => {
    const f = await searchFixture();
    const actor = { userId: 'mara', role: 'researcher' as const };
    await applyCode(f.deps, f.projectId, actor, { documentId: 'obs', codeId: f.codes.topic, ...rangeOf(OBSERVATION, 'Dann beginnt die Beratung zum Antrag.') });
    await applyCode(f.deps, f.projectId, actor, { documentId: 'int', codeId: f.codes.topic, ...rangeOf(INTERVIEW, 'Wie dokumentieren Sie das Gespräch?') });
    const viaFolder = await search(f.deps, f.projectId, { query: 'Beratung OR Gespräch', scope: { codeId: f.codes.folder } });
    expect(viaFolder.hits.map((h) => `${h.documentId}:${h.match}`)).toEqual(['obs:Beratung', 'int:Gespräch']);
    const fkOnly = await search(f.deps, f.projectId, { query: 'Gespräch', scope: { codeId: f.codes.topic, speaker: 'FK' } });
    expect(fkOnly.total).toBe(0);
  });

  it('keeps the index up to date when documents are added and deleted', async () => {
    const f = await searchFixture();
    const before = await projectIndex(f.deps, f.projectId);
    expect(before.documents.size).toBe(3);
    await addDocuments(f.deps, f.projectId, [{ id: 'new', title: 'Neu', kind: 'other', text: 'Eine Beratung mehr.' }]);
    expect((await search(f.deps, f.projectId, { query: 'Beratung' })).total).toBe(5);
    await deleteDocument(f.deps, f.projectId, 'new', { version: 1, withSegments: false });
    expect((await search(f.deps, f.projectId, { query: 'Beratung' })).total).toBe(4);
    const after = await projectIndex(f.deps, f.projectId);
    expect(after).toBe(before);
    expect(after.documents.has('new')).toBe(false);
    expect(after.stemPostings('berat')?.has('new')).toBe(false);
    expect(after.forms.get('beratung')?.has('new')).toBe(false);
  });

  it('refreshes a renamed document without tokenising it again', async () => {
    const f = await searchFixture();
    const before = (await projectIndex(f.deps, f.projectId)).documents.get('rec');
    await updateDocument(f.deps, f.projectId, 'rec', { title: 'Akte 7', version: 1 });
    const after = (await projectIndex(f.deps, f.projectId)).documents.get('rec');
    expect(after?.title).toBe('Akte 7');
    expect(after?.tokens).toBe(before?.tokens);
    expect((await search(f.deps, f.projectId, { query: 'Ergebnis' })).hits[0]?.title).toBe('Akte 7');
  });

  it('limits the KWIC lines but counts all hits', async () => {
    const f = await searchFixture();
    const r = await search(f.deps, f.projectId, { query: 'Beratung', limit: 2 });
    expect(r.hits).toHaveLength(2);
    expect(r.total).toBe(4);
    expect(r.truncated).toBe(true);
  });
});

describe('the fast scanner', () => {
  it('gives exactly the tokens of the regular expression, offsets in code points', () => {
    const samples = [
      OBSERVATION,
      INTERVIEW,
      'Ärger-Übergabe --Doppel- -strich U-Bahn‑Station e\u0301cole \u0301x 𝒜𝒷𝒸-𝒹 😀-Test x-😀 2024-01-02 ß ǅ Ĳ',
      '#00:01:23-4# FK: „Zitat“ (Klammer) [eckig] {geschweift} Straße/Weg A/B-Test 3.5 Kinder­garten',
    ];
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['a', 'Ä', 'ß', '-', '‑', ' ', '\n', '😀', '𝒜', '\u0301', '1', '.', '„', 'é', 'Ω', 'ж', '\u00ad'];
    for (let k = 0; k < 200; k++) samples.push(Array.from({ length: 40 }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(''));
    for (const text of samples) {
      const viaRegex = tokenize(text);
      const fast = tokensOf(text);
      expect(fast.terms.map((t) => t.surface), text).toEqual(viaRegex.map((t) => t.surface));
      expect([...fast.starts], text).toEqual(viaRegex.map((t) => t.start));
      expect([...fast.ends], text).toEqual(viaRegex.map((t) => t.end));
      expect(fast.length, text).toBe([...text].length);
    }
  });
});

describe('wildcard matching', () => {
  const m = (pattern: string, word: string): boolean => globMatch([...pattern], [...word]);
  it('matches * and ? over code points', () => {
    expect(m('berat*', 'beratungsgespräch')).toBe(true);
    expect(m('*gespräch', 'beratungsgespräch')).toBe(true);
    expect(m('jugend?mt', 'jugendamt')).toBe(true);
    expect(m('jugend?mt', 'jugendäamt')).toBe(false);
    expect(m('?', '😀')).toBe(true);
    expect(m('a*b*c', 'axxbyyc')).toBe(true);
    expect(m('a*b*c', 'axxbyy')).toBe(false);
  });
  it('stays fast on patterns that make a regular expression backtrack', () => {
    const started = performance.now();
    expect(m(`${'a*'.repeat(30)}b`, 'a'.repeat(60))).toBe(false);
    // A regular expression needs minutes here; the generous bound only catches a return to backtracking.
    expect(performance.now() - started).toBeLessThan(500);
  });
});
