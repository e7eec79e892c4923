import { describe, expect, it } from 'vitest';
import { applyAutocode, extendHit, previewAutocode, undoAutocode } from '../../../server/domain/autocode.js';
import { applyCode, updateSegment } from '../../../server/domain/coding.js';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../../../server/domain/errors.js';
import type { ChangeSet } from '../../../server/domain/store.js';
import { CodePointIndex } from '../../../server/domain/text.js';
import { INTERVIEW, OBSERVATION, rangeOf, searchFixture, turnsOf } from './fixture.js';

const MARA = { userId: 'mara', role: 'researcher' as const };
const JONAS = { userId: 'jonas', role: 'researcher' as const };

function textOf(text: string, r: { start: number; end: number } | null): string {
  return r ? [...text].slice(r.start, r.end).join('') : '(none)';
}

describe('extending a hit', () => {
  const obs = new CodePointIndex(OBSERVATION);
  const hit = rangeOf(OBSERVATION, 'Jugendamt');
  it('to the word', () => {
    expect(textOf(OBSERVATION, extendHit({ turns: [] }, obs, hit, 'word'))).toBe('Jugendamt');
  });
  it('to the sentence (not fooled by "Frau K." elsewhere)', () => {
    expect(textOf(OBSERVATION, extendHit({ turns: [] }, obs, hit, 'sentence'))).toBe('Der Ärger über das Jugendamt ist groß.');
    const k = rangeOf(OBSERVATION, 'herzlich');
    expect(textOf(OBSERVATION, extendHit({ turns: [] }, obs, k, 'sentence'))).toBe('Die Fachkraft begrüßt Frau K. herzlich.');
  });
  it('to the paragraph (between blank lines)', () => {
    expect(textOf(OBSERVATION, extendHit({ turns: [] }, obs, hit, 'paragraph'))).toBe('Dann beginnt die Beratung zum Antrag. Der Ärger über das Jugendamt ist groß. Die Übergabe an die Kollegin klappt.');
  });
  it('to the speaker turn (the utterance without the label), or not at all outside turns', () => {
    const int = new CodePointIndex(INTERVIEW);
    const turns = turnsOf(INTERVIEW);
    expect(textOf(INTERVIEW, extendHit({ turns }, int, rangeOf(INTERVIEW, 'Dokumentation'), 'turn'))).toBe('Ich habe das Gespräch dokumentiert. Die Dokumentation ist kurz. Beraten habe ich lange.');
    expect(extendHit({ turns: [] }, obs, hit, 'turn')).toBeNull();
  });
  it('in code points after an astral character', () => {
    const after = rangeOf(OBSERVATION, 'Jugendämter');
    const r = extendHit({ turns: [] }, obs, after, 'sentence');
    expect(textOf(OBSERVATION, r)).toBe('Im Gespräch geht es um die Beratungen der letzten Monate 😀 und um die Jugendämter der Region.');
  });
});

describe('autocoding', () => {
  it('previews without writing, merging hits in the same unit', async () => {
    const f = await searchFixture();
    let commits = 0;
    const commit = f.deps.store.commit.bind(f.deps.store);
    f.deps.store.commit = async (id: string, change: ChangeSet) => {
      commits++;
      return commit(id, change);
    };
    const p = await previewAutocode(f.deps, f.projectId, MARA, { query: 'Gespräch', codeId: f.codes.topic, unit: 'turn', scope: { speaker: 'FK' } });
    expect(commits).toBe(0);
    expect(p.items.map((i) => [i.documentId, i.text, i.hits])).toEqual([
      ['int', 'Ich habe das Gespräch dokumentiert. Die Dokumentation ist kurz. Beraten habe ich lange.', 1],
      ['int', 'Die Gespräche mit dem Jugendamt-Mitarbeiter dokumentiere ich nicht.', 1],
    ]);
    expect(p.duplicates).toBe(0);
    const sentences = await previewAutocode(f.deps, f.projectId, MARA, { query: 'Beratung OR Antrag', codeId: f.codes.topic, unit: 'sentence' });
    expect(sentences.items.find((i) => i.text === 'Dann beginnt die Beratung zum Antrag.')?.hits).toBe(2);
    const skipped = await previewAutocode(f.deps, f.projectId, MARA, { query: 'Übergabe', codeId: f.codes.topic, unit: 'turn' });
    expect(skipped).toMatchObject({ items: [], unextendable: 1 });
  });

  it('applies all hits in ONE commit, skips exact duplicates, and undoes the run as one step', async () => {
    const f = await searchFixture();
    await applyCode(f.deps, f.projectId, MARA, { documentId: 'obs', codeId: f.codes.topic, ...rangeOf(OBSERVATION, 'Dann beginnt die Beratung zum Antrag.') });
    const changes: ChangeSet[] = [];
    const commit = f.deps.store.commit.bind(f.deps.store);
    f.deps.store.commit = async (id: string, change: ChangeSet) => {
      changes.push(change);
      return commit(id, change);
    };
    const run = await applyAutocode(f.deps, f.projectId, MARA, { query: 'Beratung', codeId: f.codes.topic, unit: 'sentence' });
    expect(changes).toHaveLength(1);
    expect(run.duplicates).toBe(1);
    expect(run.segments).toHaveLength(3);
    const all = await f.deps.store.listSegments(f.projectId, { codeIds: [f.codes.topic] });
    expect(all).toHaveLength(4);
    const texts = all.map((s) => textOf(s.documentId === 'obs' ? OBSERVATION : s.documentId === 'int' ? INTERVIEW : f.record.text, s)).sort();
    expect(texts).toContain('Keine weitere Beratung nötig.');
    expect(texts).toContain('Beraten habe ich lange.');

    expect(await undoAutocode(f.deps, f.projectId, MARA, run.id)).toEqual({ deleted: 3 });
    expect(changes).toHaveLength(2);
    const left = await f.deps.store.listSegments(f.projectId, { codeIds: [f.codes.topic] });
    expect(left.map((s) => s.coder)).toEqual(['mara']);
    await expect(undoAutocode(f.deps, f.projectId, MARA, run.id)).rejects.toThrow(NotFound);
  });

  it('codes only the chosen hits', async () => {
    const f = await searchFixture();
    const hit = rangeOf(OBSERVATION, 'Beratungen');
    const run = await applyAutocode(f.deps, f.projectId, MARA, { query: 'Beratung', codeId: f.codes.topic, unit: 'word', hits: [{ documentId: 'obs', ...hit }] });
    const segs = await f.deps.store.listSegments(f.projectId, { codeIds: [f.codes.topic] });
    expect(segs.map((s) => [s.id, s.start, s.end])).toEqual([[run.segments[0]?.id, hit.start, hit.end]]);
    await expect(applyAutocode(f.deps, f.projectId, MARA, { query: 'Beratung', codeId: f.codes.topic, hits: [{ documentId: 'obs', start: 0, end: 3 }] })).rejects.toThrow(InvalidInput);
  });

  it('refuses to undo when a created segment was changed since (409), and leaves everything in place', async () => {
    const f = await searchFixture();
    const run = await applyAutocode(f.deps, f.projectId, MARA, { query: 'Gespräch', codeId: f.codes.topic, unit: 'word' });
    const first = run.segments[0] as { id: string; version: number };
    await updateSegment(f.deps, f.projectId, MARA, first.id, { memo: 'geändert', version: 1 });
    await expect(undoAutocode(f.deps, f.projectId, MARA, run.id)).rejects.toThrow(Conflict);
    expect(await f.deps.store.listSegments(f.projectId, { codeIds: [f.codes.topic] })).toHaveLength(run.segments.length);
  });

  it('lets only the coder of the run (or an admin) undo it, and refuses folders', async () => {
    const f = await searchFixture();
    const run = await applyAutocode(f.deps, f.projectId, MARA, { query: 'Kaffee', codeId: f.codes.atmosphere, unit: 'word' });
    await expect(undoAutocode(f.deps, f.projectId, JONAS, run.id)).rejects.toThrow(Forbidden);
    expect(await undoAutocode(f.deps, f.projectId, { userId: 'root', role: 'admin' }, run.id)).toEqual({ deleted: 1 });
    await expect(applyAutocode(f.deps, f.projectId, MARA, { query: 'Kaffee', codeId: f.codes.folder })).rejects.toThrow(InvalidInput);
  });
});
