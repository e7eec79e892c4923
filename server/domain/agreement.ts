/**
 * Inter-coder agreement over a project's segments: document level, segment level (MAXQDA's manner)
 * and unitizing (Krippendorff's uα), per code and overall; the disagreement list; the consensus
 * coding. The statistics themselves are in agreement-statistics.ts.
 *
 * Scope: the documents of a set (or given ids, or all), the codes given (default: every codable code
 * a chosen coder used in the scope), the coders given (default: every coder with a segment in the
 * scope, without the consensus coder). Base documents are those of the scope that at least one chosen
 * coder coded: an uncoded document says nothing about agreement (it would only add "both absent").
 */
import { DISABLED_PASSWORD } from './password.js';
import type { Actor, Deps } from './deps.js';
import { findSet, resolveSet } from './corpus.js';
import { InvalidInput, NotFound } from './errors.js';
import { sealedDocuments, visibleSegments } from './independent.js';
import { CodePointIndex } from './text.js';
import {
  brennanPredigerKappa,
  cohenKappa,
  disagreementOfSections,
  fleissKappa,
  krippendorffAlpha,
} from './agreement-statistics.js';
import {
  AgreementOptionsSchema,
  ConsensusDecisionSchema,
  type AgreementCodeRow,
  type AgreementCoder,
  type AgreementLevel,
  type AgreementMeasures,
  type AgreementOptions,
  type AgreementResult,
  type ConsensusDecision,
  type Disagreement,
} from '../schemas/agreement.js';
import type { Code } from '../schemas/code.js';
import type { DocumentMeta } from '../schemas/document.js';
import type { Segment } from '../schemas/segment.js';
import { codePathNames, PATH_SEPARATOR } from './code-tree.js';
import type { User } from '../schemas/user.js';

/** Login of the user whose segments form the consensus (master) coding; created on demand. */
export const CONSENSUS_LOGIN = 'konsens';

const NONE: AgreementMeasures = {
  units: 0,
  agreements: null,
  percentAgreement: null,
  cohenKappa: null,
  fleissKappa: null,
  brennanPredigerKappa: null,
  krippendorffAlpha: null,
};

interface Scope {
  coders: AgreementCoder[];
  codes: Code[];
  paths: Map<string, string>;
  documents: DocumentMeta[];
  /** Segments of the chosen coders and codes in the base documents. */
  segments: Segment[];
}


async function resolveScope(deps: Deps, projectId: string, opts: ReturnType<typeof AgreementOptionsSchema.parse>, viewer?: Actor): Promise<Scope> {
  if (!(await deps.store.getProject(projectId))) throw new NotFound(`project ${projectId} not found`);
  let docs = await deps.store.listDocuments(projectId);
  if (opts.setId) {
    const inSet = new Set(resolveSet(await findSet(deps, projectId, opts.setId), docs));
    docs = docs.filter((d) => inSet.has(d.id));
  }
  if (opts.documentIds) {
    const wanted = new Set(opts.documentIds);
    docs = docs.filter((d) => wanted.has(d.id));
  }
  if (viewer && viewer.role !== 'admin') {
    // Independent mode: sealed documents are compared only once their set is opened (admins: always).
    const sealed = await sealedDocuments(deps, projectId);
    docs = docs.filter((d) => !sealed.has(d.id));
  }
  const docIds = new Set(docs.map((d) => d.id));
  const allCodes = await deps.store.listCodes(projectId);
  const users = await deps.store.listUsers();
  const consensus = users.find((u) => u.login === CONSENSUS_LOGIN);
  // Sealed documents are already out of `docs` for non-admins, so every remaining segment is visible.
  let segments = (await deps.store.listSegments(projectId)).filter((s) => docIds.has(s.documentId));
  if (opts.codeIds) {
    const unknown = opts.codeIds.filter((id) => !allCodes.some((c) => c.id === id));
    if (unknown.length > 0) throw new NotFound(`code ${unknown[0]} not found`);
  }
  let coderIds: string[];
  if (opts.coders) {
    // By user id or login name.
    coderIds = [
      ...new Set(
        opts.coders.map((key) => {
          const u = users.find((x) => x.id === key) ?? users.find((x) => x.login === key);
          if (!u) throw new NotFound(`coder ${key} not found`);
          return u.id;
        }),
      ),
    ];
  } else {
    coderIds = [...new Set(segments.map((s) => s.coder))].filter((id) => id !== consensus?.id);
  }
  const byUser = new Map(users.map((u) => [u.id, u]));
  const coders = coderIds
    .map((id): AgreementCoder => {
      const u = byUser.get(id);
      return { id, login: u?.login ?? id, displayName: u?.displayName ?? id };
    })
    .sort((a, b) => a.login.localeCompare(b.login));
  const chosen = new Set(coders.map((c) => c.id));
  segments = segments.filter((s) => chosen.has(s.coder));
  const wantedCodes = opts.codeIds ? new Set(opts.codeIds) : new Set(segments.map((s) => s.codeId));
  segments = segments.filter((s) => wantedCodes.has(s.codeId));
  const paths = new Map([...codePathNames(allCodes)].map(([id, names]) => [id, names.join(PATH_SEPARATOR)]));
  const codes = allCodes.filter((c) => wantedCodes.has(c.id)).sort((a, b) => (paths.get(a.id) as string).localeCompare(paths.get(b.id) as string, 'de'));
  // Base documents: coded by at least one chosen coder (with any code of the scope).
  const coded = new Set(segments.map((s) => s.documentId));
  const documents = docs.filter((d) => coded.has(d.id));
  return { coders, codes, paths, documents, segments };
}

/** Compute the agreement table (see the module comment and schemas/agreement.ts for the shape). */
export async function computeAgreement(deps: Deps, projectId: string, options: AgreementOptions = {}, viewer?: Actor): Promise<AgreementResult> {
  const opts = AgreementOptionsSchema.parse(options);
  const scope = await resolveScope(deps, projectId, opts, viewer);
  const base = { level: opts.level, coders: scope.coders, threshold: opts.level === 'segment' ? opts.threshold : null };
  const row = (c: Code, m: AgreementMeasures): AgreementCodeRow => ({ id: c.id, name: c.name, path: scope.paths.get(c.id) ?? c.name, ...m });
  switch (opts.level) {
    case 'document':
      return { ...base, ...documentLevel(scope, row) };
    case 'segment':
      return { ...base, ...segmentLevel(scope, opts.threshold, row) };
    case 'unitizing':
      return { ...base, ...unitizingLevel(scope, row) };
  }
}

type RowOf = (c: Code, m: AgreementMeasures) => AgreementCodeRow;

/** Measures of binary data (coders × units, 1 = present): the document level. */
function binaryMeasures(data: number[][]): AgreementMeasures {
  const m = data.length;
  const units = data[0]?.length ?? 0;
  if (m < 2 || units === 0) return { ...NONE, units };
  let agreements = 0;
  for (let u = 0; u < units; u++) if (data.every((row) => row[u] === data[0]![u])) agreements++;
  const percent = agreements / units;
  let cohen: number | null = null;
  if (m === 2) {
    const t = [
      [0, 0],
      [0, 0],
    ];
    // Rows coder 1 present/absent, columns coder 2.
    for (let u = 0; u < units; u++) t[data[0]![u] ? 0 : 1]![data[1]![u] ? 0 : 1]! += 1;
    cohen = cohenKappa(t).kappa;
  }
  // Fleiss' kappa for three or more coders (subjects × {present, absent} counts).
  const counts = Array.from({ length: units }, (_, u) => {
    const present = data.reduce((s, row) => s + (row[u] ?? 0), 0);
    return [present, m - present];
  });
  const fleiss = m >= 3 ? (fleissKappa(counts)?.kappa ?? null) : null;
  // Brennan & Prediger with q = 2 (present, absent); p_o = share of agreeing pairs (= percent agreement for two coders, Randolph's P̄ for more).
  const po = m === 2 ? percent : (fleissKappa(counts)?.pBar ?? percent);
  return {
    units,
    agreements,
    percentAgreement: percent,
    cohenKappa: cohen,
    fleissKappa: fleiss,
    brennanPredigerKappa: brennanPredigerKappa(po, 2),
    krippendorffAlpha: krippendorffAlpha(data, 'nominal').alpha,
  };
}

/**
 * Document level: for each code and base document, is the code present (at least one segment of that
 * coder) or absent? Units per code = base documents; overall pools every (code, document) unit.
 */
function documentLevel(scope: Scope, row: RowOf): { overall: AgreementMeasures; codes: AgreementCodeRow[] } {
  const present = new Set(scope.segments.map((s) => `${s.coder}|${s.codeId}|${s.documentId}`));
  const matrix = (code: Code): number[][] => scope.coders.map((coder) => scope.documents.map((d) => (present.has(`${coder.id}|${code.id}|${d.id}`) ? 1 : 0)));
  const perCode = scope.codes.map((c) => ({ code: c, data: matrix(c) }));
  const pooled = scope.coders.map((_, i) => perCode.flatMap((p) => p.data[i] ?? []));
  return { overall: binaryMeasures(pooled), codes: perCode.map((p) => row(p.code, binaryMeasures(p.data))) };
}

/**
 * Overlap of two ranges [s, e) in code points: |intersection| ÷ |union| (Jaccard), symmetric. A
 * segment nested in a much longer one does not count as matching (the vector file's
 * `expected_overlap_relative_to_union`).
 */
export function overlapRatio(a: { start: number; end: number }, b: { start: number; end: number }): number {
  const inter = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  if (inter <= 0) return 0;
  const union = Math.max(a.end, b.end) - Math.min(a.start, b.start);
  return inter / union;
}

/** Per coder pair and code: every segment of either coder agrees if the other has a segment of the same code, same document, overlapping ≥ threshold. */
export function matchSegments(
  a: readonly Pick<Segment, 'codeId' | 'documentId' | 'start' | 'end'>[],
  b: readonly Pick<Segment, 'codeId' | 'documentId' | 'start' | 'end'>[],
  threshold: number,
): { agreeA: boolean[]; agreeB: boolean[] } {
  const matches = (s: Pick<Segment, 'codeId' | 'documentId' | 'start' | 'end'>, others: typeof a): boolean =>
    others.some((o) => o.codeId === s.codeId && o.documentId === s.documentId && overlapRatio(s, o) >= threshold - 1e-12);
  return { agreeA: a.map((s) => matches(s, b)), agreeB: b.map((s) => matches(s, a)) };
}

/**
 * Segment level in MAXQDA's manner (MAXQDA manual, "Intercoder Agreement", code-specific results):
 * each segment of either coder is checked against the other coder's segments of the same code in the
 * same document and agrees if one overlaps it by at least the threshold, overlap = intersection ÷
 * union in code points. Per code: units = segments of both coders, agreements = agreeing segments.
 * Overall: the "Total" row (sums). Brennan & Prediger's kappa with P_chance = 1/k, k = number of codes
 * in the table (per code with the same k, so the rows add up to the total's logic). With more than
 * two coders every pair of coders is checked and summed. Cohen, Fleiss and alpha do not apply (no
 * common units): null.
 */
function segmentLevel(scope: Scope, threshold: number, row: RowOf): { overall: AgreementMeasures; codes: AgreementCodeRow[] } {
  const k = scope.codes.length;
  const tally = new Map(scope.codes.map((c) => [c.id, { units: 0, agreements: 0 }]));
  if (scope.coders.length >= 2) {
    for (let i = 0; i < scope.coders.length; i++) {
      for (let j = i + 1; j < scope.coders.length; j++) {
        const a = scope.segments.filter((s) => s.coder === scope.coders[i]!.id);
        const b = scope.segments.filter((s) => s.coder === scope.coders[j]!.id);
        const { agreeA, agreeB } = matchSegments(a, b, threshold);
        const add = (s: Segment, ok: boolean): void => {
          const t = tally.get(s.codeId);
          if (!t) return;
          t.units++;
          if (ok) t.agreements++;
        };
        a.forEach((s, x) => add(s, agreeA[x] as boolean));
        b.forEach((s, x) => add(s, agreeB[x] as boolean));
      }
    }
  }
  const measures = (units: number, agreements: number): AgreementMeasures => {
    if (scope.coders.length < 2) return { ...NONE, units };
    const p = units > 0 ? agreements / units : null;
    return { ...NONE, units, agreements, percentAgreement: p, brennanPredigerKappa: p === null ? null : brennanPredigerKappa(p, k) };
  };
  const codes = scope.codes.map((c) => {
    const t = tally.get(c.id) as { units: number; agreements: number };
    return row(c, measures(t.units, t.agreements));
  });
  const units = [...tally.values()].reduce((s, t) => s + t.units, 0);
  const agreements = [...tally.values()].reduce((s, t) => s + t.agreements, 0);
  return { overall: measures(units, agreements), codes };
}

/**
 * Unitizing: per code, Krippendorff's uα over one continuum made of the base documents laid end to
 * end (each coder's units and gaps are cut at document borders, so no section spans two documents).
 * units = characters (code points) of the continuum, agreements = characters on which every coder
 * agrees (all coded or all uncoded with that code), percentAgreement their share. Overall uα =
 * 1 − ΣD_o/ΣD_e over the codes (Krippendorff's pooling of categories). Overlapping segments of one
 * coder with one code merge into one unit.
 */
function unitizingLevel(scope: Scope, row: RowOf): { overall: AgreementMeasures; codes: AgreementCodeRow[] } {
  const m = scope.coders.length;
  const L = scope.documents.reduce((s, d) => s + d.length, 0);
  const offsets = new Map<string, number>();
  let at = 0;
  for (const d of scope.documents) {
    offsets.set(d.id, at);
    at += d.length;
  }
  let sumO = 0;
  let sumE = 0;
  let allUnits = 0;
  let allAgree = 0;
  const codes = scope.codes.map((code) => {
    const sections = scope.coders.map((coder) => {
      const out: { start: number; length: number; unit: boolean }[] = [];
      for (const d of scope.documents) {
        const base = offsets.get(d.id) as number;
        const ranges = mergeRanges(scope.segments.filter((s) => s.coder === coder.id && s.codeId === code.id && s.documentId === d.id).map((s) => [Math.min(s.start, d.length), Math.min(s.end, d.length)] as [number, number]));
        let pos = 0;
        for (const [s, e] of ranges) {
          if (s > pos) out.push({ start: base + pos, length: s - pos, unit: false });
          out.push({ start: base + s, length: e - s, unit: true });
          pos = e;
        }
        if (pos < d.length) out.push({ start: base + pos, length: d.length - pos, unit: false });
      }
      return out;
    });
    if (m < 2 || L === 0) return row(code, { ...NONE, units: L });
    const { observed, expected } = disagreementOfSections(sections, L);
    sumO += observed;
    sumE += expected;
    const agree = agreeingCharacters(sections, L);
    allUnits += L;
    allAgree += agree;
    return row(code, { ...NONE, units: L, agreements: agree, percentAgreement: agree / L, krippendorffAlpha: expected > 0 ? 1 - observed / expected : null });
  });
  const overall: AgreementMeasures =
    m < 2 || allUnits === 0 ? { ...NONE, units: allUnits } : { ...NONE, units: allUnits, agreements: allAgree, percentAgreement: allAgree / allUnits, krippendorffAlpha: sumE > 0 ? 1 - sumO / sumE : null };
  return { overall, codes };
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Characters on which all coders agree (coded by all or by none). */
function agreeingCharacters(sections: readonly (readonly { start: number; length: number; unit: boolean }[])[], L: number): number {
  // Boundaries of every section, then each stretch between boundaries is uniform for every coder.
  const cuts = new Set<number>([0, L]);
  for (const list of sections) for (const s of list) cuts.add(s.start).add(s.start + s.length);
  const points = [...cuts].sort((a, b) => a - b);
  const cursors = sections.map(() => 0);
  let agree = 0;
  for (let p = 0; p + 1 < points.length; p++) {
    const from = points[p] as number;
    const to = points[p + 1] as number;
    const states = sections.map((list, i) => {
      while ((cursors[i] as number) < list.length && list[cursors[i] as number]!.start + list[cursors[i] as number]!.length <= from) cursors[i]!++;
      return list[cursors[i] as number]?.unit ?? false;
    });
    if (states.every((s) => s === states[0])) agree += to - from;
  }
  return agree;
}

// ---------------------------------------------------------------------------------------------
// Disagreement list and consensus

export interface DisagreementFilter {
  setId?: string;
  documentIds?: string[];
  codeIds?: string[];
  /** Exactly two coders (user ids); default: the first two coders of the scope. */
  coders?: string[];
  threshold?: number;
}

/**
 * Every segment of coder a or b without a matching segment (same code, same document, overlap ≥
 * threshold) by the other, side by side with the other coder's best-overlapping segment (any code)
 * or none. A pair where a's segment best overlaps a b segment that is itself unmatched shows once.
 * kind: `unmatched` (the other coder coded nothing there), `different-code` (the other coded that
 * stretch with another code), `overlap-below-threshold` (same code, but the ranges differ too much).
 * Filter by code (either side's code), document, coder pair.
 */
export async function listDisagreements(deps: Deps, projectId: string, filter: DisagreementFilter = {}, viewer?: Actor): Promise<{ coders: AgreementCoder[]; threshold: number; disagreements: Disagreement[] }> {
  const opts = AgreementOptionsSchema.parse({
    level: 'segment',
    ...(filter.setId ? { setId: filter.setId } : {}),
    ...(filter.documentIds ? { documentIds: filter.documentIds } : {}),
    ...(filter.coders ? { coders: filter.coders } : {}),
    ...(filter.threshold !== undefined ? { threshold: filter.threshold } : {}),
  });
  const scope = await resolveScope(deps, projectId, opts, viewer);
  if (filter.coders && filter.coders.length !== 2) throw new InvalidInput('the disagreement list compares exactly two coders');
  const pair = filter.coders ? filter.coders.map((key) => scope.coders.find((c) => c.id === key || c.login === key) as AgreementCoder) : scope.coders.slice(0, 2);
  if (pair.length < 2) return { coders: pair, threshold: opts.threshold, disagreements: [] };
  const [ca, cb] = pair as [AgreementCoder, AgreementCoder];
  const a = scope.segments.filter((s) => s.coder === ca.id);
  const b = scope.segments.filter((s) => s.coder === cb.id);
  const { agreeA, agreeB } = matchSegments(a, b, opts.threshold);
  const docs = new Map(scope.documents.map((d) => [d.id, d]));
  const texts = new Map<string, CodePointIndex>();
  const textOf = async (docId: string, s: Segment): Promise<string> => {
    let idx = texts.get(docId);
    if (!idx) {
      const doc = await deps.store.getDocument(projectId, docId);
      idx = new CodePointIndex(doc?.text ?? '');
      texts.set(docId, idx);
    }
    return idx.slice(s.start, s.end);
  };
  const side = async (coder: string, s: Segment | undefined) => ({
    coder,
    segment: s ? { id: s.id, codeId: s.codeId, start: s.start, end: s.end, memo: s.memo, text: await textOf(s.documentId, s), version: s.version } : null,
  });
  const best = (s: Segment, others: Segment[]): Segment | undefined => {
    let top: Segment | undefined;
    let score = 0;
    for (const o of others) {
      if (o.documentId !== s.documentId) continue;
      // Prefer the same code, then the largest overlap.
      const r = overlapRatio(s, o) + (o.codeId === s.codeId ? 1 : 0);
      if (overlapRatio(s, o) > 0 && r > score) {
        score = r;
        top = o;
      }
    }
    return top;
  };
  const out: Disagreement[] = [];
  const shownB = new Set<string>();
  for (let x = 0; x < a.length; x++) {
    if (agreeA[x]) continue;
    const s = a[x] as Segment;
    const o = best(s, b);
    const oIndex = o ? b.indexOf(o) : -1;
    // Pair with the other side only if that segment is itself a disagreement (an agreeing one stays out of the list).
    const partner = o && !agreeB[oIndex] ? o : undefined;
    if (partner) shownB.add(partner.id);
    out.push({
      id: `${s.id}|${partner?.id ?? ''}`,
      documentId: s.documentId,
      documentTitle: docs.get(s.documentId)?.title ?? '',
      start: Math.min(s.start, partner?.start ?? s.start),
      end: Math.max(s.end, partner?.end ?? s.end),
      codeId: s.codeId,
      kind: o === undefined ? 'unmatched' : o.codeId === s.codeId ? 'overlap-below-threshold' : 'different-code',
      a: await side(ca.id, s),
      b: await side(cb.id, partner),
    });
  }
  for (let y = 0; y < b.length; y++) {
    const s = b[y] as Segment;
    if (agreeB[y] || shownB.has(s.id)) continue;
    const o = best(s, a);
    out.push({
      id: `|${s.id}`,
      documentId: s.documentId,
      documentTitle: docs.get(s.documentId)?.title ?? '',
      start: s.start,
      end: s.end,
      codeId: s.codeId,
      kind: o === undefined ? 'unmatched' : o.codeId === s.codeId ? 'overlap-below-threshold' : 'different-code',
      a: await side(ca.id, undefined),
      b: await side(cb.id, s),
    });
  }
  const wanted = filter.codeIds ? new Set(filter.codeIds) : undefined;
  const filtered = wanted ? out.filter((d) => wanted.has(d.a.segment?.codeId ?? '') || wanted.has(d.b.segment?.codeId ?? '')) : out;
  filtered.sort((p, q) => p.documentTitle.localeCompare(q.documentTitle, 'de') || p.start - q.start || p.end - q.end);
  return { coders: pair, threshold: opts.threshold, disagreements: filtered };
}

/** The consensus coder (login `konsens`), created on first use; it cannot sign in. */
export async function consensusCoder(deps: Deps): Promise<User> {
  const existing = await deps.store.findUserByLogin(CONSENSUS_LOGIN);
  if (existing) return existing;
  const user: User = { id: deps.newId(), login: CONSENSUS_LOGIN, displayName: 'Konsens', role: 'researcher', passwordHash: DISABLED_PASSWORD, created: deps.now(), version: 1 };
  await deps.store.putUser(user);
  return user;
}

/**
 * Apply a consensus decision: copy the chosen coder's segment(s) into the master coding (segments of
 * the consensus coder). `a`/`b` take one side, `both` both, `neither` none. The independent codings
 * are never changed; a copy whose document, code and range the master already holds is skipped.
 */
export async function decideConsensus(deps: Deps, projectId: string, input: ConsensusDecision, viewer?: Actor): Promise<{ created: Segment[]; coder: string }> {
  const d = ConsensusDecisionSchema.parse(input);
  const ids = (d.take === 'a' ? [d.a] : d.take === 'b' ? [d.b] : d.take === 'both' ? [d.a, d.b] : []).filter((x): x is string => x !== null);
  if ((d.take === 'a' && d.a === null) || (d.take === 'b' && d.b === null)) throw new InvalidInput(`side ${d.take} has no segment to take`);
  const sources: Segment[] = [];
  for (const id of [d.a, d.b]) {
    if (id === null) continue;
    const s = await deps.store.getSegment(projectId, id);
    // A segment hidden by independent mode is treated as unknown (its existence is not revealed).
    if (!s || (await visibleSegments(deps, projectId, viewer, [s])).length === 0) throw new NotFound(`segment ${id} not found`);
    if (ids.includes(id)) sources.push(s);
  }
  const coder = await consensusCoder(deps);
  if (sources.length === 0) return { created: [], coder: coder.id };
  const master = await deps.store.listSegments(projectId, { coders: [coder.id], documentIds: [...new Set(sources.map((s) => s.documentId))] });
  const now = deps.now();
  const created: Segment[] = [];
  for (const s of sources) {
    const twin = [...master, ...created].some((m) => m.documentId === s.documentId && m.codeId === s.codeId && m.start === s.start && m.end === s.end);
    if (twin) continue;
    created.push({ id: deps.newId(), documentId: s.documentId, codeId: s.codeId, start: s.start, end: s.end, coder: coder.id, memo: s.memo, created: now, modified: now, version: 1 });
  }
  if (created.length > 0) await deps.store.commit(projectId, { segments: { put: created } });
  return { created, coder: coder.id };
}

/** Level names for reports. */
export const LEVEL_LABELS: Record<AgreementLevel, string> = { document: 'Dokumentebene', segment: 'Segmentebene', unitizing: 'Unitizing (uα)' };
