import { describe, expect, it } from 'vitest';
import { applyCode } from '../../../server/domain/coding.js';
import { addDocuments, createSet } from '../../../server/domain/corpus.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { createProject } from '../../../server/domain/projects.js';
import { keyness, keynessToCsv, wordFrequencies, wordsToCsv } from '../../../server/domain/words.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { OBSERVATION, rangeOf, searchFixture } from './fixture.js';

describe('word frequencies', () => {
  it('groups by stem, shows the most frequent surface form, leaves stop words out but counts them', async () => {
    const f = await searchFixture();
    const r = await wordFrequencies(f.deps, f.projectId, { limit: 1000 });
    const gespraech = r.words.find((w) => w.stem === 'gesprach');
    // Gespräch ×3 (obs 1, int 2), Gespräche ×2 (int) – Beratungsgespräch is its own word.
    expect(gespraech).toEqual({ stem: 'gesprach', form: 'Gespräch', count: 5, documents: 2 });
    expect(r.words.find((w) => w.stem === 'berat')).toMatchObject({ count: 4, documents: 3 });
    expect(r.words.some((w) => ['die', 'der', 'und', 'ich'].includes(w.form.toLowerCase()))).toBe(false);
    expect(r.words[0]?.count).toBeGreaterThanOrEqual(r.words[1]?.count ?? 0);
    expect(r.documents).toBe(3);
    expect(r.tokens).toBeGreaterThan(r.words.reduce((n, w) => n + w.count, 0));
  });

  it('counts per set and inside the segments of a code (overlaps once)', async () => {
    const f = await searchFixture();
    await createSet(f.deps, f.projectId, { name: 'Interviews', definition: { type: 'members', documentIds: ['int'] } });
    const set = await wordFrequencies(f.deps, f.projectId, { set: 'Interviews', limit: 1000 });
    expect(set.documents).toBe(1);
    expect(set.words.find((w) => w.stem === 'gesprach')?.count).toBe(4);
    const actor = { userId: 'mara', role: 'researcher' as const };
    await applyCode(f.deps, f.projectId, actor, { documentId: 'obs', codeId: f.codes.topic, ...rangeOf(OBSERVATION, 'Der Ärger über das Jugendamt ist groß.') });
    await applyCode(f.deps, f.projectId, { userId: 'jonas', role: 'researcher' }, { documentId: 'obs', codeId: f.codes.topic, ...rangeOf(OBSERVATION, 'Ärger über das Jugendamt') });
    const code = await wordFrequencies(f.deps, f.projectId, { codeId: f.codes.folder });
    expect(code.words.map((w) => [w.form, w.count])).toEqual([['Ärger', 1], ['groß', 1], ['Jugendamt', 1]]);
    // Der Ärger über das Jugendamt ist groß = 7 tokens, counted once despite two overlapping segments.
    expect(code.tokens).toBe(7);
  });

  it('exports CSV (CRLF, quoted where needed, formula-safe)', async () => {
    const csv = wordsToCsv({ tokens: 3, distinct: 2, documents: 1, words: [{ stem: 'a,b', form: 'A,b', count: 2, documents: 1 }, { stem: '=x', form: '=x', count: 1, documents: 1 }] });
    expect(csv).toBe('form,stem,count,documents\r\n"A,b","a,b",2,1\r\n\'=x,\'=x,1,1\r\n');
  });
});

describe('keyness (log-likelihood, Rayson & Garside 2000)', () => {
  it('matches a hand-computed log-likelihood', async () => {
    const deps = makeDeps(new MemoryStore());
    const project = await createProject(deps, { name: 'Keyness' });
    await addDocuments(deps, project.id, [
      { id: 'a', title: 'A', kind: 'observation', text: 'Kaffee Kaffee Kaffee Tee' },
      { id: 'b', title: 'B', kind: 'interview', text: 'Tee Tee Kaffee Wasser Wasser Wasser' },
    ]);
    const r = await keyness(deps, project.id, { kinds: ['observation'], attributes: [], sets: [] }, { kinds: ['interview'], attributes: [], sets: [] });
    expect(r.a).toMatchObject({ documents: 1, tokens: 4 });
    expect(r.b).toMatchObject({ documents: 1, tokens: 6 });
    const kaffee = r.rows.find((x) => x.form === 'Kaffee');
    // a = 3, b = 1, c = 4, d = 6: E1 = 4·4/10 = 1.6, E2 = 6·4/10 = 2.4,
    // LL = 2 (3 ln(3/1.6) + 1 ln(1/2.4)) = 2 (1.8858259782 − 0.8754687374) = 2.0207144816.
    expect(kaffee?.a).toBe(3);
    expect(kaffee?.b).toBe(1);
    expect(kaffee?.ll).toBeCloseTo(2.0207144816, 8);
    expect(kaffee?.sign).toBe('+');
    expect(kaffee?.logRatio).toBeCloseTo(Math.log2(3 / 4 / (1 / 6)), 10);
    // Wasser: a = 0, b = 3: E2 = 6·3/10 = 1.8, LL = 2 · 3 ln(3/1.8) = 3.0649537426.
    const wasser = r.rows.find((x) => x.form === 'Wasser');
    expect(wasser?.ll).toBeCloseTo(3.0649537426, 8);
    expect(wasser?.sign).toBe('-');
    expect(r.rows[0]?.form).toBe('Wasser');
    expect(keynessToCsv(r).split('\r\n')[0]).toBe('form,stem,freq_a,freq_b,ll,sign,log_ratio');
  });
});
