import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeAgreement, CONSENSUS_LOGIN, decideConsensus, listDisagreements, overlapRatio } from '../../../server/domain/agreement.js';
import { krippendorffAlpha } from '../../../server/domain/agreement-statistics.js';
import { createDemoProject } from '../../../server/demo.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { makeFixture } from './fixture.js';

const vector = (
  JSON.parse(readFileSync(new URL('../../fixtures/vectors/brennan_prediger_maxqda_segment_agreement.json', import.meta.url), 'utf8')) as {
    cases: { id: string; [k: string]: unknown }[];
  }
).cases.find((c) => c.id === 'synthetic_maxqda_segment_overlap_90') as unknown as {
  document_length_chars: number;
  codes_in_result_table: string[];
  min_overlap: number;
  coder1_segments: { code: string; start: number; end: number }[];
  coder2_segments: { code: string; start: number; end: number }[];
  expected_overlap_relative_to_union: {
    per_code: Record<string, { agree: number; disagree: number; total: number; percent: number }>;
    total: { agree: number; total: number; percent: number };
    P_observed: string;
    kappa_float: number;
  };
};

async function maxqdaFixture() {
  const f = await makeFixture({ docCount: 1, length: vector.document_length_chars, codes: vector.codes_in_result_table, coders: ['c1', 'c2'] });
  for (const s of vector.coder1_segments) await f.code('c1', 0, s.code, s.start, s.end, `memo c1 ${s.code}`);
  for (const s of vector.coder2_segments) await f.code('c2', 0, s.code, s.start, s.end, `memo c2 ${s.code}`);
  return f;
}

describe('segment level (MAXQDA manner): the synthetic vector, overlap relative to the union', () => {
  it('reproduces every per-code row, the total and Brennan & Prediger (1/6)', async () => {
    const f = await maxqdaFixture();
    const r = await computeAgreement(f.deps, f.projectId, { level: 'segment', threshold: vector.min_overlap });
    expect(r.level).toBe('segment');
    expect(r.threshold).toBe(0.9);
    expect(r.coders.map((c) => c.login)).toEqual(['c1', 'c2']);
    const e = vector.expected_overlap_relative_to_union;
    for (const [name, row] of Object.entries(e.per_code)) {
      const got = r.codes.find((c) => c.name === name)!;
      expect(got.units).toBe(row.total);
      expect(got.agreements).toBe(row.agree);
      expect(Number((got.percentAgreement! * 100).toFixed(2))).toBe(row.percent);
      expect(got.cohenKappa).toBeNull();
      expect(got.krippendorffAlpha).toBeNull();
    }
    expect(r.overall.units).toBe(e.total.total);
    expect(r.overall.agreements).toBe(e.total.agree);
    expect(r.overall.percentAgreement).toBeCloseTo(4 / 9, 14);
    expect(r.overall.brennanPredigerKappa).toBeCloseTo(e.kappa_float, 14);
    expect(r.overall.fleissKappa).toBeNull();
  });

  it('a lower threshold lets the nested segments match (60 of 100 characters)', async () => {
    const f = await maxqdaFixture();
    const r = await computeAgreement(f.deps, f.projectId, { level: 'segment', threshold: 0.5 });
    // A [200,300) vs [200,260): 0.6 ≥ 0.5; C [600,700) vs [650,700): 0.5 ≥ 0.5.
    expect(r.codes.find((c) => c.name === 'A')!.agreements).toBe(4);
    expect(r.codes.find((c) => c.name === 'C')!.agreements).toBe(2);
  });

  it('overlap is intersection ÷ union, symmetric', () => {
    expect(overlapRatio({ start: 0, end: 100 }, { start: 5, end: 100 })).toBe(0.95);
    expect(overlapRatio({ start: 200, end: 260 }, { start: 200, end: 300 })).toBe(0.6);
    expect(overlapRatio({ start: 0, end: 10 }, { start: 10, end: 20 })).toBe(0);
  });
});

/**
 * Hand-computed document level. Documents d1–d4 (d4 coded by nobody); codes X and Y.
 * c1: X in d1, d2; Y in d1.   c2: X in d1, d3; Y in d1.
 */
async function documentFixture() {
  const f = await makeFixture({ docCount: 4, length: 50, codes: ['X', 'Y'], coders: ['c1', 'c2'] });
  await f.code('c1', 0, 'X', 0, 10);
  await f.code('c1', 1, 'X', 0, 10);
  await f.code('c1', 0, 'Y', 20, 30);
  await f.code('c2', 0, 'X', 2, 12);
  await f.code('c2', 2, 'X', 0, 10);
  await f.code('c2', 0, 'Y', 20, 31);
  return f;
}

describe('document level on a hand-computed fixture', () => {
  it('per code and overall: units, agreements, Cohen, Brennan & Prediger, alpha', async () => {
    const f = await documentFixture();
    const r = await computeAgreement(f.deps, f.projectId, { level: 'document' });
    expect(r.threshold).toBeNull();
    const x = r.codes.find((c) => c.name === 'X')!;
    // d4 is coded by nobody and is no unit: 3 units.
    expect(x).toMatchObject({ units: 3, agreements: 1, fleissKappa: null, path: 'X' });
    expect(x.percentAgreement).toBeCloseTo(1 / 3, 14);
    // Table [[1,1],[1,0]]: p_o = 1/3, p_e = 5/9, κ = −1/2.
    expect(x.cohenKappa).toBeCloseTo(-0.5, 14);
    expect(x.brennanPredigerKappa).toBeCloseTo(-1 / 3, 14);
    // o_11 = 2, o_10 = o_01 = 2, n = 6: D_o = 4/6, D_e = 16/30, α = −1/4.
    expect(x.krippendorffAlpha).toBeCloseTo(-0.25, 14);
    const y = r.codes.find((c) => c.name === 'Y')!;
    expect(y).toMatchObject({ units: 3, agreements: 3, percentAgreement: 1, cohenKappa: 1, brennanPredigerKappa: 1, krippendorffAlpha: 1 });
    // Pooled: 6 units, 4 agreements, table [[2,1],[1,2]]: κ = 1/3, B&P = 1/3, α = 7/18.
    expect(r.overall.units).toBe(6);
    expect(r.overall.agreements).toBe(4);
    expect(r.overall.cohenKappa).toBeCloseTo(1 / 3, 14);
    expect(r.overall.brennanPredigerKappa).toBeCloseTo(1 / 3, 14);
    expect(r.overall.krippendorffAlpha).toBeCloseTo(7 / 18, 14);
  });

  it('three coders: Fleiss instead of Cohen; B&P with Randolph’s P̄', async () => {
    const f = await documentFixture();
    await f.deps.store.putUser({ id: 'u-c3', login: 'c3', displayName: 'C3', role: 'researcher', passwordHash: 'x', created: f.deps.now(), version: 1 });
    f.users['c3'] = 'u-c3';
    await f.code('c3', 0, 'X', 0, 10);
    const r = await computeAgreement(f.deps, f.projectId, { level: 'document' });
    expect(r.coders).toHaveLength(3);
    const x = r.codes.find((c) => c.name === 'X')!;
    expect(x.cohenKappa).toBeNull();
    // X: d1 all three present; d2 c1 only; d3 c2 only → counts [3,0],[1,2],[1,2].
    // P̄ = (1 + 1/3 + 1/3)/3 = 5/9; p = 5/9, 4/9 → P_e = 41/81; κ = (5/9 − 41/81)/(40/81) = 1/10.
    expect(x.fleissKappa).toBeCloseTo(0.1, 14);
    expect(x.brennanPredigerKappa).toBeCloseTo((5 / 9 - 0.5) / 0.5, 14);
    expect(x.krippendorffAlpha).toBeCloseTo(krippendorffAlpha([[1, 1, 0], [1, 0, 1], [1, 0, 0]]).alpha!, 14);
  });

  it('coders by login, a set, codes filter; unknown coder is NotFound', async () => {
    const f = await documentFixture();
    const r = await computeAgreement(f.deps, f.projectId, { level: 'document', coders: ['c1', 'c2'], codeIds: [f.codes['Y']!] });
    expect(r.codes.map((c) => c.name)).toEqual(['Y']);
    await expect(computeAgreement(f.deps, f.projectId, { coders: ['nobody'] })).rejects.toThrow(/not found/);
  });
});

describe('edge cases', () => {
  it('no segments: no coders, no codes, nothing applies', async () => {
    const f = await makeFixture({ docCount: 2, length: 20, codes: ['X'], coders: ['c1', 'c2'] });
    for (const level of ['document', 'segment', 'unitizing'] as const) {
      const r = await computeAgreement(f.deps, f.projectId, { level });
      expect(r.coders).toEqual([]);
      expect(r.codes).toEqual([]);
      expect(r.overall).toEqual({ units: 0, agreements: null, percentAgreement: null, cohenKappa: null, fleissKappa: null, brennanPredigerKappa: null, krippendorffAlpha: null });
    }
  });

  it('one coder only: units are counted, every measure is null', async () => {
    const f = await makeFixture({ docCount: 2, length: 20, codes: ['X'], coders: ['c1', 'c2'] });
    await f.code('c1', 0, 'X', 0, 5);
    for (const level of ['document', 'segment', 'unitizing'] as const) {
      const r = await computeAgreement(f.deps, f.projectId, { level });
      expect(r.coders.map((c) => c.login)).toEqual(['c1']);
      expect(r.overall.agreements).toBeNull();
      expect(r.overall.percentAgreement).toBeNull();
      expect(r.overall.krippendorffAlpha).toBeNull();
      expect(r.overall.brennanPredigerKappa).toBeNull();
    }
  });

  it('a code used by one coder only: present vs absent everywhere', async () => {
    const f = await makeFixture({ docCount: 3, length: 20, codes: ['X', 'Z'], coders: ['c1', 'c2'] });
    await f.code('c1', 0, 'X', 0, 5);
    await f.code('c2', 0, 'X', 0, 5);
    await f.code('c2', 1, 'X', 0, 5);
    await f.code('c1', 0, 'Z', 10, 15);
    const doc = await computeAgreement(f.deps, f.projectId, { level: 'document' });
    const z = doc.codes.find((c) => c.name === 'Z')!;
    // Units d1, d2: c1 [1,0], c2 [0,0]: table [[0,1],[0,1]]: p_o = 1/2, p_e = 1/2 → κ = 0.
    expect(z).toMatchObject({ units: 2, agreements: 1, percentAgreement: 0.5, cohenKappa: 0, brennanPredigerKappa: 0 });
    const seg = await computeAgreement(f.deps, f.projectId, { level: 'segment' });
    expect(seg.codes.find((c) => c.name === 'Z')).toMatchObject({ units: 1, agreements: 0, percentAgreement: 0 });
    const uni = await computeAgreement(f.deps, f.projectId, { level: 'unitizing' });
    expect(uni.codes.find((c) => c.name === 'Z')!.krippendorffAlpha!).toBeLessThan(0);
  });

  it('identical codings: full agreement; kappa and alpha undefined where nothing varies', async () => {
    const f = await makeFixture({ docCount: 2, length: 20, codes: ['X'], coders: ['c1', 'c2'] });
    for (const c of ['c1', 'c2']) {
      await f.code(c, 0, 'X', 0, 5);
      await f.code(c, 1, 'X', 3, 9);
    }
    const doc = await computeAgreement(f.deps, f.projectId, { level: 'document' });
    expect(doc.overall).toMatchObject({ units: 2, agreements: 2, percentAgreement: 1, cohenKappa: null, krippendorffAlpha: null });
    const seg = await computeAgreement(f.deps, f.projectId, { level: 'segment' });
    expect(seg.overall).toMatchObject({ units: 4, agreements: 4, percentAgreement: 1, brennanPredigerKappa: null /* one code: q = 1 */ });
    const uni = await computeAgreement(f.deps, f.projectId, { level: 'unitizing' });
    expect(uni.overall).toMatchObject({ units: 40, agreements: 40, percentAgreement: 1, krippendorffAlpha: 1 });
  });

  it('a document coded by nobody adds no unit at any level', async () => {
    const f = await makeFixture({ docCount: 3, length: 20, codes: ['X'], coders: ['c1', 'c2'] });
    await f.code('c1', 0, 'X', 0, 5);
    await f.code('c2', 0, 'X', 0, 6);
    expect((await computeAgreement(f.deps, f.projectId, { level: 'document' })).overall.units).toBe(1);
    expect((await computeAgreement(f.deps, f.projectId, { level: 'unitizing' })).overall.units).toBe(20);
  });
});

describe('unitizing level', () => {
  it('uses characters as units and gives uα per code', async () => {
    const f = await makeFixture({ docCount: 2, length: 10, codes: ['X'], coders: ['c1', 'c2'] });
    await f.code('c1', 0, 'X', 0, 5);
    await f.code('c2', 0, 'X', 2, 5);
    await f.code('c1', 1, 'X', 0, 3);
    await f.code('c2', 1, 'X', 0, 3);
    const r = await computeAgreement(f.deps, f.projectId, { level: 'unitizing' });
    const x = r.codes[0]!;
    expect(x.units).toBe(20);
    expect(x.agreements).toBe(18);
    expect(x.krippendorffAlpha!).toBeGreaterThan(0);
    expect(x.krippendorffAlpha!).toBeLessThan(1);
    expect(r.overall.krippendorffAlpha).toBeCloseTo(x.krippendorffAlpha!, 14);
  });
});

describe('disagreement list and consensus', () => {
  it('lists every unmatched or differently coded segment side by side, with memos and text', async () => {
    const f = await maxqdaFixture();
    const { disagreements, coders } = await listDisagreements(f.deps, f.projectId);
    expect(coders.map((c) => c.login)).toEqual(['c1', 'c2']);
    expect(disagreements.map((d) => [d.start, d.end, d.kind])).toEqual([
      [200, 300, 'overlap-below-threshold'],
      [600, 700, 'overlap-below-threshold'],
      [800, 850, 'unmatched'],
    ]);
    const first = disagreements[0]!;
    expect(first.a.segment).toMatchObject({ start: 200, end: 300, memo: 'memo c1 A', text: 'x'.repeat(100) });
    expect(first.b.segment).toMatchObject({ start: 200, end: 260, memo: 'memo c2 A' });
    expect(disagreements[2]!.a.segment).toBeNull();
    const onlyC = await listDisagreements(f.deps, f.projectId, { codeIds: [f.codes['C']!] });
    expect(onlyC.disagreements).toHaveLength(1);
    await expect(listDisagreements(f.deps, f.projectId, { coders: ['c1'] })).rejects.toThrow(/exactly two/);
  });

  it('a different code on the same stretch is "different-code"', async () => {
    const f = await makeFixture({ docCount: 1, length: 100, codes: ['A', 'B'], coders: ['c1', 'c2'] });
    await f.code('c1', 0, 'A', 10, 20);
    await f.code('c2', 0, 'B', 10, 20);
    const { disagreements } = await listDisagreements(f.deps, f.projectId);
    expect(disagreements).toHaveLength(1);
    expect(disagreements[0]).toMatchObject({ kind: 'different-code', a: { segment: { codeId: f.codes['A'] } }, b: { segment: { codeId: f.codes['B'] } } });
  });

  it('consensus copies a, b, both or neither to the consensus coder and leaves the codings untouched', async () => {
    const f = await maxqdaFixture();
    const before = await f.deps.store.listSegments(f.projectId);
    const { disagreements } = await listDisagreements(f.deps, f.projectId);
    const [d1, d2, d3] = disagreements as [(typeof disagreements)[0], (typeof disagreements)[0], (typeof disagreements)[0]];
    const a = await decideConsensus(f.deps, f.projectId, { take: 'a', a: d1.a.segment!.id, b: d1.b.segment!.id });
    expect(a.created).toHaveLength(1);
    expect(a.created[0]).toMatchObject({ start: 200, end: 300, codeId: f.codes['A'], coder: a.coder, memo: 'memo c1 A' });
    const both = await decideConsensus(f.deps, f.projectId, { take: 'both', a: d2.a.segment!.id, b: d2.b.segment!.id });
    expect(both.created).toHaveLength(2);
    const neither = await decideConsensus(f.deps, f.projectId, { take: 'neither', a: null, b: d3.b.segment!.id });
    expect(neither.created).toHaveLength(0);
    // Deciding again creates no twin.
    expect((await decideConsensus(f.deps, f.projectId, { take: 'a', a: d1.a.segment!.id, b: null })).created).toHaveLength(0);
    await expect(decideConsensus(f.deps, f.projectId, { take: 'b', a: d1.a.segment!.id, b: null })).rejects.toThrow(/no segment/);
    const konsens = await f.deps.store.findUserByLogin(CONSENSUS_LOGIN);
    expect(konsens?.id).toBe(a.coder);
    const after = await f.deps.store.listSegments(f.projectId);
    const independent = after.filter((s) => s.coder !== a.coder);
    expect(independent.sort((p, q) => p.id.localeCompare(q.id))).toEqual(before.sort((p, q) => p.id.localeCompare(q.id)));
    expect(after.filter((s) => s.coder === a.coder)).toHaveLength(3);
    // The consensus coder is not a coder by default…
    expect((await computeAgreement(f.deps, f.projectId, { level: 'segment' })).coders.map((c) => c.login)).toEqual(['c1', 'c2']);
    // …but can be compared with a coder explicitly.
    const vsMaster = await computeAgreement(f.deps, f.projectId, { level: 'segment', coders: ['c1', CONSENSUS_LOGIN] });
    expect(vsMaster.coders.map((c) => c.login)).toEqual(['c1', 'konsens']);
  });
});

describe('the demo project', () => {
  it('gives agreement at every level for mara and jonas', async () => {
    const deps = makeDeps(new MemoryStore());
    const { project } = await createDemoProject(deps);
    for (const level of ['document', 'segment', 'unitizing'] as const) {
      const r = await computeAgreement(deps, project.id, { level });
      expect(r.coders.map((c) => c.login)).toEqual(['jonas', 'mara']);
      expect(r.codes.length).toBeGreaterThan(5);
      expect(r.overall.units).toBeGreaterThan(0);
      expect(r.overall.percentAgreement).toBeGreaterThan(0);
      expect(r.overall.percentAgreement).toBeLessThan(1);
    }
    const set = await computeAgreement(deps, project.id, { level: 'document', setId: 'Beobachtungsprotokolle' });
    const all = await computeAgreement(deps, project.id, { level: 'document' });
    expect(set.overall.units).toBeLessThan(all.overall.units);
    const list = await listDisagreements(deps, project.id);
    expect(list.disagreements.length).toBeGreaterThan(0);
  });
});
