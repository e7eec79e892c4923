/**
 * The visibility comparison (issue 4): which markings of consultations (set A) reappear in
 * documentation (set B), which stay invisible there and which appear only when documenting – the
 * side-by-side table of the research in ../shared/DOMAIN.md, with statistics, a paired comparison
 * per case, a breakdown by an attribute with small-cell suppression, and example quotes.
 *
 * Classification rule (the thresholds travel with the result, see `classify`):
 *   - documents(side) = the side's base documents carrying at least one of the row's codes counted on
 *     that side (a document counts once per row, however many of the row's codes it carries);
 *   - rare ("too rare to say") when documents(A) + documents(B) < minDocuments (default 3);
 *   - otherwise a side is "present" when documents(side) ≥ presentDocuments (default 1), and the row
 *     is both / only-a / only-b by which sides are present; a row present on neither side (possible
 *     only with presentDocuments > 1) is rare as well.
 * Base documents: with base 'coded' (default) the documents of a side that carry at least one
 * segment (by the counted coders) – an uncoded document has not been analysed and says nothing about
 * absence; with base 'all' every document of the side.
 */
import { sentenceEnds } from './sentences.js';
import { InvalidInput, NotFound } from './errors.js';
import type { Deps } from './deps.js';
import { childrenOf } from './codebook.js';
import { matchesFilter, resolveSet } from './corpus.js';
import { chiSquareP, fisherExact2x2, logRatio, raysonGarsideLL } from './statistics.js';
import { CodePointIndex } from './text.js';
import type { Code } from '../schemas/code.js';
import {
  ComparisonOptionsSchema,
  DEFAULT_SIDE_A,
  DEFAULT_SIDE_B,
  describeSide,
  type BreakdownCell,
  type BreakdownGroup,
  type ComparisonOptions,
  type ComparisonResult,
  type ComparisonRow,
  type Paired,
  type ParsedComparisonOptions,
  type ParsedSideSpec,
  type Quote,
  type RowCode,
  type Section,
  type SideCounts,
  type SideSummary,
  type Thresholds,
} from '../schemas/comparison.js';
import type { Document, DocumentKind, DocumentMeta } from '../schemas/document.js';
import type { DocumentSet } from '../schemas/document-set.js';
import { codePathNames } from './code-tree.js';
import type { Segment } from '../schemas/segment.js';

/**
 * The hook for quotes: called on every piece of document text a result carries. It returns the text
 * unchanged because pseudonymisation (domain/pseudonyms.ts) rewrites the stored documents
 * themselves, so quotes already carry the pseudonyms; names the key does not list stay as written.
 */
export function pseudonymise(text: string): string {
  return text;
}

const KIND_LABELS: Record<DocumentKind, string> = {
  observation: 'Beobachtungsprotokolle',
  interview: 'Interviews',
  documentation: 'Dokumentationen',
  other: 'Sonstige Dokumente',
};

/** A readable default label for a side: its kinds, attribute conditions and sets. */
export function labelOfSide(spec: ParsedSideSpec): string {
  if (spec.label) return spec.label;
  const parts: string[] = [];
  if (spec.kinds && spec.kinds.length > 0) parts.push(spec.kinds.map((k) => KIND_LABELS[k]).join(' und '));
  for (const a of spec.attributes) parts.push(`${a.name}: ${a.anyOf.join(' / ')}`);
  for (const s of spec.sets) parts.push(`Menge „${s}“`);
  return parts.join(', ');
}

/** The classification rule (see the file comment). */
export function classify(aDocuments: number, bDocuments: number, t: Pick<Thresholds, 'minDocuments' | 'presentDocuments'>): Section {
  if (aDocuments + bDocuments < t.minDocuments) return 'rare';
  const inA = aDocuments >= t.presentDocuments;
  const inB = bDocuments >= t.presentDocuments;
  if (inA && inB) return 'both';
  if (inA) return 'only-a';
  if (inB) return 'only-b';
  return 'rare';
}

// ---------------------------------------------------------------------------------------------
// Sentences for quotes

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/**
 * The complete sentence(s) around a coded range (UTF-16 offsets), within its paragraph(s); when they
 * are longer than `max`, the coded text with as much context as fits, cut at word boundaries and
 * marked with "…". Returns the three parts so the coded text can be highlighted.
 */
export function quoteAround(text: string, start: number, end: number, max: number): { before: string; coded: string; after: string } {
  const paraStart = text.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
  const nextBreak = text.indexOf('\n', end > start ? end - 1 : end);
  const paraEnd = nextBreak < 0 ? text.length : nextBreak;
  const para = text.slice(paraStart, paraEnd);
  const ends = sentenceEnds(para);
  const relStart = start - paraStart;
  const relEnd = end - paraStart;
  let sStart = 0;
  for (const e of ends) if (e <= relStart) sStart = e;
  let sEnd = para.length;
  for (const e of ends) {
    if (e >= relEnd) {
      sEnd = e;
      break;
    }
  }
  // Transcript timestamps between sentences are noise in a quote.
  let before = collapse(para.slice(sStart, relStart)).trimStart().replace(/^(?:#[\d:.,-]+#\s*)+/, '');
  const coded = collapse(text.slice(start, end));
  let after = collapse(para.slice(relEnd, sEnd)).trimEnd();
  if (before.endsWith(' ') && coded.startsWith(' ')) before = before.slice(0, -1);
  if (before.length + coded.length + after.length <= max) return { before, coded, after };
  if (coded.length >= max) {
    const cut = coded.slice(0, max - 1);
    const space = cut.lastIndexOf(' ');
    return { before: '', coded: `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`, after: '' };
  }
  // Share the room left between both sides, cutting at a word boundary.
  const room = max - coded.length - 2;
  const half = Math.floor(room / 2);
  const keepBefore = Math.min(before.length, Math.max(half, room - after.length));
  const keepAfter = Math.min(after.length, room - keepBefore);
  if (keepBefore < before.length) {
    const tail = before.slice(before.length - keepBefore);
    const space = tail.indexOf(' ');
    before = `…${space >= 0 ? tail.slice(space + 1) : tail}`;
  }
  if (keepAfter < after.length) {
    const head = after.slice(0, keepAfter);
    const space = head.lastIndexOf(' ');
    after = `${space >= 0 ? head.slice(0, space) : head}…`;
  }
  return { before, coded, after };
}

// ---------------------------------------------------------------------------------------------
// The comparison

interface RowDef {
  id: string;
  kind: ComparisonRow['kind'];
  label: string;
  codes: RowCode[];
  aCodes: Set<string>;
  bCodes: Set<string>;
  note?: string;
  /** Left out when no segment carries it, even with includeUnused (a parent's own segments). */
  onlyIfUsed?: boolean;
}

interface SideAcc {
  segments: number;
  /** documentId → the row's segments in it (on this side), by position. */
  docs: Map<string, Segment[]>;
  /** Code points covered by the row's segments (overlaps once), summed over documents. */
  covered: number;
  /** The stretch being covered right now: [runStart, runEnd) in runDocument, whose segments are runList. */
  runDocument: string;
  runList: Segment[];
  runStart: number;
  runEnd: number;
}

/** Document ids on a side: kinds and attribute conditions and every named set. */
export function documentsOfSide(spec: ParsedSideSpec, documents: readonly DocumentMeta[], sets: readonly DocumentSet[]): Set<string> {
  const filter = { ...(spec.kinds ? { kinds: spec.kinds } : {}), attributes: spec.attributes };
  let ids = documents.filter((d) => matchesFilter(d, filter)).map((d) => d.id);
  for (const name of spec.sets) {
    const set = sets.find((s) => s.id === name) ?? sets.find((s) => s.name === name);
    if (!set) throw new NotFound(`document set ${name} not found`);
    const members = new Set(resolveSet(set, documents));
    ids = ids.filter((id) => members.has(id));
  }
  return new Set(ids);
}


/** Rows: crosswalk rows first (in their order), then the code tree in pre-order (a parent before its sub-codes). */
function buildRows(codes: readonly Code[], crosswalk: ComparisonContext['crosswalk']): RowDef[] {
  const byId = new Map(codes.map((c) => [c.id, c]));
  const paths = codePathNames(codes);
  const codeOf = (id: string, side?: 'a' | 'b'): RowCode => {
    const c = byId.get(id) as Code;
    return { id, name: c.name, path: paths.get(id) ?? [c.name], ...(side ? { side } : {}) };
  };
  const rows: RowDef[] = [];
  const crosswalked = new Set<string>();
  for (const row of crosswalk) {
    const a = row.a.filter((id) => byId.has(id));
    const b = row.b.filter((id) => byId.has(id));
    if (a.length === 0 || b.length === 0) continue;
    for (const id of [...a, ...b]) crosswalked.add(id);
    rows.push({
      id: `crosswalk:${row.id}`,
      kind: 'crosswalk',
      label: row.label,
      codes: [...a.map((id) => codeOf(id, 'a')), ...b.map((id) => codeOf(id, 'b'))],
      aCodes: new Set(a),
      bCodes: new Set(b),
      ...(row.note ? { note: row.note } : {}),
    });
  }
  const kids = new Map<string | null, Code[]>();
  for (const c of codes) {
    const list = kids.get(c.parentId);
    if (list) list.push(c);
    else kids.set(c.parentId, [c]);
  }
  const subtree = (id: string): string[] => {
    const out: string[] = [];
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      out.push(next);
      for (const k of kids.get(next) ?? []) stack.push(k.id);
    }
    return out;
  };
  const walk = (parentId: string | null, depth: number): void => {
    if (depth > 100) return;
    for (const c of childrenOf(kids.get(parentId) ?? [], parentId)) {
      const hasChildren = (kids.get(c.id)?.length ?? 0) > 0;
      if (hasChildren) {
        const ids = new Set(subtree(c.id));
        rows.push({ id: `parent:${c.id}`, kind: 'parent', label: c.name, codes: [codeOf(c.id)], aCodes: ids, bCodes: ids });
      }
      if (c.isCodable && !crosswalked.has(c.id)) {
        // A codable code with sub-codes gets a row of its own segments too, shown only when it has some.
        const ids = new Set([c.id]);
        rows.push({ id: `code:${c.id}`, kind: 'code', label: c.name, codes: [codeOf(c.id)], aCodes: ids, bCodes: ids, ...(hasChildren ? { onlyIfUsed: true } : {}) });
      }
      walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return rows;
}

interface ComparisonContext {
  documents: DocumentMeta[];
  codes: Code[];
  segments: Segment[];
  sets: DocumentSet[];
  crosswalk: { id: string; label: string; a: string[]; b: string[]; note: string }[];
  users: Map<string, string>;
  loadDocument: (id: string) => Promise<Document | undefined>;
  /** Code-point index of a document's text, built once per comparison. */
  indexOf: (doc: Document) => CodePointIndex;
}

/**
 * Compare document sets A and B code by code (see the file comment for the rules). Throws
 * InvalidInput when a side has no base documents or the sides share documents, NotFound for an
 * unknown project or set.
 */
export async function compareSets(deps: Deps, projectId: string, options: ComparisonOptions = {}): Promise<ComparisonResult> {
  const project = await deps.store.getProject(projectId);
  if (!project) throw new NotFound(`project ${projectId} not found`);
  const opts = ComparisonOptionsSchema.parse(options);
  const cache = new Map<string, Document | undefined>();
  const indexes = new Map<string, CodePointIndex>();
  const [documents, codes, segments, sets, users] = await Promise.all([
    deps.store.listDocuments(projectId),
    deps.store.listCodes(projectId),
    deps.store.listSegments(projectId, opts.coders ? { coders: opts.coders } : {}),
    deps.store.listSets(projectId),
    deps.store.listUsers(),
  ]);
  return runComparison(
    {
      documents,
      codes,
      segments,
      sets,
      crosswalk: project.crosswalk,
      users: new Map(users.map((u) => [u.id, u.displayName || u.login])),
      loadDocument: async (id) => {
        if (!cache.has(id)) cache.set(id, await deps.store.getDocument(projectId, id));
        return cache.get(id);
      },
      indexOf: (doc) => {
        let index = indexes.get(doc.id);
        if (!index) indexes.set(doc.id, (index = new CodePointIndex(doc.text)));
        return index;
      },
    },
    opts,
  );
}

async function runComparison(ctx: ComparisonContext, opts: ParsedComparisonOptions): Promise<ComparisonResult> {
  const specA = opts.a ?? DEFAULT_SIDE_A;
  const specB = opts.b ?? DEFAULT_SIDE_B;
  const inA = documentsOfSide(specA, ctx.documents, ctx.sets);
  const inB = documentsOfSide(specB, ctx.documents, ctx.sets);
  const shared = [...inA].filter((id) => inB.has(id));
  if (shared.length > 0) {
    // Fisher's test and the shares assume two separate groups of documents.
    throw new InvalidInput(`the sets A and B share ${shared.length} document(s); choose conditions that keep them apart`);
  }
  /** 1 = side A, 2 = side B. */
  const sideOf = new Map<string, 1 | 2>();
  for (const id of inA) sideOf.set(id, 1);
  for (const id of inB) sideOf.set(id, 2);
  const meta = new Map(ctx.documents.map((d) => [d.id, d]));

  // Rows, then one pass over the segments: corpus sizes, coders and every row's counts at once.
  // (A segment can only lie in a coded document, so every document a row counts is a base document.)
  const defs = buildRows(ctx.codes, ctx.crosswalk);
  const membership = new Map<string, { row: number; mask: number }[]>();
  defs.forEach((def, row) => {
    for (const id of new Set([...def.aCodes, ...def.bCodes])) {
      const mask = (def.aCodes.has(id) ? 1 : 0) | (def.bCodes.has(id) ? 2 : 0);
      let list = membership.get(id);
      if (!list) membership.set(id, (list = []));
      list.push({ row, mask });
    }
  });
  const fresh = (): SideAcc => ({ segments: 0, docs: new Map(), covered: 0, runDocument: '', runList: [], runStart: 0, runEnd: 0 });
  const acc: [SideAcc, SideAcc][] = defs.map(() => [fresh(), fresh()]);
  const byDocument = new Map<string, Segment[]>();
  // Stores tend to list a document's segments together: remember the last document's list.
  let lastDocument = '';
  let lastList: Segment[] | undefined;
  for (const s of ctx.segments) {
    if (s.documentId !== lastDocument) {
      lastDocument = s.documentId;
      lastList = sideOf.has(lastDocument) ? byDocument.get(lastDocument) : undefined;
      if (!lastList && sideOf.has(lastDocument)) byDocument.set(lastDocument, (lastList = []));
    }
    // The store guarantees that every segment's code exists.
    if (lastList) lastList.push(s);
  }
  const segCount = new Map<string, number>();
  const coderCounts: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
  const none: { row: number; mask: number }[] = [];
  for (const [documentId, list] of byDocument) {
    const side = sideOf.get(documentId) as 1 | 2;
    segCount.set(documentId, list.length);
    const coders = coderCounts[side - 1] as Map<string, number>;
    // In order of position, so each row's covered stretch grows as a running union (no sorting per row).
    list.sort((x, y) => x.start - y.start);
    for (const s of list) {
      coders.set(s.coder, (coders.get(s.coder) ?? 0) + 1);
      for (const m of membership.get(s.codeId) ?? none) {
        if ((m.mask & side) === 0) continue;
        const t = (acc[m.row] as [SideAcc, SideAcc])[side - 1] as SideAcc;
        t.segments++;
        if (t.runDocument !== documentId) {
          // The first of this row's segments in this document (documents come one after another).
          t.covered += t.runEnd - t.runStart;
          t.runDocument = documentId;
          t.runList = [s];
          t.docs.set(documentId, t.runList);
          t.runStart = s.start;
          t.runEnd = s.end;
          continue;
        }
        t.runList.push(s);
        if (s.start > t.runEnd) {
          t.covered += t.runEnd - t.runStart;
          t.runStart = s.start;
          t.runEnd = s.end;
        } else if (s.end > t.runEnd) t.runEnd = s.end;
      }
    }
  }
  for (const pair of acc) {
    for (const t of pair) {
      t.covered += t.runEnd - t.runStart;
      t.runStart = t.runEnd = 0;
      t.runList = [];
    }
  }
  const baseOf = (ids: Set<string>): string[] => [...ids].filter((id) => opts.base === 'all' || segCount.has(id));
  const baseA = baseOf(inA);
  const baseB = baseOf(inB);
  for (const [name, base] of [
    ['A', baseA],
    ['B', baseB],
  ] as const) {
    if (base.length === 0) throw new InvalidInput(`set ${name} has no ${opts.base === 'coded' ? 'coded ' : ''}documents to compare`);
  }
  const summary = (spec: ParsedSideSpec, all: Set<string>, base: string[], side: 0 | 1): SideSummary => ({
    label: labelOfSide(spec),
    definition: describeSide(spec),
    documents: all.size,
    baseDocuments: base.length,
    segments: base.reduce((s, id) => s + (segCount.get(id) ?? 0), 0),
    textLength: base.reduce((s, id) => s + (meta.get(id)?.length ?? 0), 0),
    coders: [...coderCounts[side].entries()]
      .map(([id, n]) => ({ id, name: ctx.users.get(id) ?? id, segments: n }))
      .sort((x, y) => y.segments - x.segments || x.name.localeCompare(y.name, 'de')),
  });
  const a = summary(specA, inA, baseA, 0);
  const b = summary(specB, inB, baseB, 1);
  const thresholds: Thresholds = {
    minDocuments: opts.minDocuments,
    presentDocuments: opts.presentDocuments,
    minCellDocuments: opts.minCellDocuments,
    base: opts.base,
    evidence: opts.evidence,
    pairBy: opts.pairBy,
    by: opts.by ?? null,
  };

  // Pairs: cases with base documents on both sides.
  const caseOf = (id: string): string | undefined => {
    const v = meta.get(id)?.attributes[opts.pairBy];
    return v === undefined ? undefined : String(v.value);
  };
  const collator = new Intl.Collator('de', { numeric: true });
  const cases = new Map<string, { a: string[]; b: string[] }>();
  for (const [side, base] of [
    ['a', baseA],
    ['b', baseB],
  ] as const) {
    for (const id of base) {
      const c = caseOf(id);
      if (c === undefined) continue;
      let entry = cases.get(c);
      if (!entry) cases.set(c, (entry = { a: [], b: [] }));
      entry[side].push(id);
    }
  }
  const pairs = [...cases.entries()].filter(([, e]) => e.a.length > 0 && e.b.length > 0).sort(([x], [y]) => collator.compare(x, y));

  // Breakdown groups.
  const groupOfDocument = new Map<string, string>();
  const groupBase: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
  if (opts.by !== undefined) {
    for (const [i, base] of [baseA, baseB].entries()) {
      for (const id of base) {
        const v = meta.get(id)?.attributes[opts.by];
        const g = v === undefined ? '' : String(v.value);
        groupOfDocument.set(id, g);
        groupBase[i as 0 | 1].set(g, (groupBase[i as 0 | 1].get(g) ?? 0) + 1);
      }
    }
  }
  const groupOf = (id: string): string => groupOfDocument.get(id) ?? '';
  const groups = [...new Set([...groupBase[0].keys(), ...groupBase[1].keys()])].sort((x, y) => (x === '' ? 1 : y === '' ? -1 : collator.compare(x, y)));

  // Documents in title order, for the choice of quotes.
  const titleRank = new Map([...ctx.documents].sort((x, y) => collator.compare(x.title, y.title) || (x.id < y.id ? -1 : 1)).map((d, i) => [d.id, i]));

  const rows: ComparisonRow[] = [];
  for (const [i, def] of defs.entries()) {
    const [sa, sb] = acc[i] as [SideAcc, SideAcc];
    if ((def.onlyIfUsed || !opts.includeUnused) && sa.segments === 0 && sb.segments === 0) continue;
    const counts = (s: SideAcc, side: SideSummary): SideCounts => ({
      segments: s.segments,
      documents: s.docs.size,
      documentShare: side.baseDocuments > 0 ? s.docs.size / side.baseDocuments : 0,
      textShare: side.textLength > 0 ? Math.min(1, s.covered / side.textLength) : 0,
    });
    const ca = counts(sa, a);
    const cb = counts(sb, b);
    const ll = raysonGarsideLL(ca.segments, cb.segments, a.segments, b.segments);
    const paired: Paired = { cases: pairs.length, both: 0, onlyA: 0, onlyB: 0, neither: 0, onlyACases: [], onlyBCases: [] };
    for (const [name, e] of pairs) {
      const hasA = e.a.some((id) => sa.docs.has(id));
      const hasB = e.b.some((id) => sb.docs.has(id));
      if (hasA && hasB) paired.both++;
      else if (hasA) {
        paired.onlyA++;
        paired.onlyACases.push(name);
      } else if (hasB) {
        paired.onlyB++;
        paired.onlyBCases.push(name);
      } else paired.neither++;
    }
    const row: ComparisonRow = {
      id: def.id,
      kind: def.kind,
      label: def.label,
      section: classify(ca.documents, cb.documents, thresholds),
      codes: def.codes,
      a: ca,
      b: cb,
      stats: {
        logLikelihood: ll.ll,
        logLikelihoodForm: 'Rayson & Garside 2000, two-cell',
        logLikelihoodP: chiSquareP(ll.ll, 1),
        fisherP: fisherExact2x2([
          [ca.documents, a.baseDocuments - ca.documents],
          [cb.documents, b.baseDocuments - cb.documents],
        ]).twoSided,
        logRatio: logRatio(ca.segments, cb.segments, a.segments, b.segments),
      },
      paired,
      evidence: [...(await chooseQuotes(ctx, sa, 'a', titleRank, opts)), ...(await chooseQuotes(ctx, sb, 'b', titleRank, opts))],
      ...(def.note !== undefined ? { note: def.note } : {}),
    };
    if (opts.by !== undefined) row.breakdown = breakdown(sa, sb, groups, groupOf, groupBase, opts.minCellDocuments, thresholds);
    rows.push(row);
  }
  return { a, b, thresholds, rows };
}

/** The row's cells per attribute value, with primary and secondary suppression. */
function breakdown(
  sa: SideAcc,
  sb: SideAcc,
  groups: readonly string[],
  groupOf: (id: string) => string,
  groupBase: [Map<string, number>, Map<string, number>],
  k: number,
  thresholds: Thresholds,
): BreakdownGroup[] {
  const cellsOf = (s: SideAcc, bases: Map<string, number>): BreakdownCell[] => {
    const docs = new Map<string, number>();
    const segs = new Map<string, number>();
    for (const [id, list] of s.docs) {
      const g = groupOf(id);
      docs.set(g, (docs.get(g) ?? 0) + 1);
      segs.set(g, (segs.get(g) ?? 0) + list.length);
    }
    const cells: BreakdownCell[] = groups.map((g) => {
      const base = bases.get(g) ?? 0;
      const d = docs.get(g) ?? 0;
      // Primary: the cell rests on fewer than k documents, or fewer than k documents carry the row.
      const small = base < k || (d > 0 && d < k);
      return small
        ? { suppressed: 'small', baseDocuments: null, segments: null, documents: null, documentShare: null }
        : { suppressed: null, baseDocuments: base, segments: segs.get(g) ?? 0, documents: d, documentShare: base > 0 ? d / base : 0 };
    });
    // Secondary: one hidden cell could be worked out from the row's total minus the visible cells,
    // so hide the smallest visible cell as well (groups without documents on this side don't count).
    const hidden = cells.filter((c, i) => c.suppressed !== null && (bases.get(groups[i] as string) ?? 0) > 0).length;
    if (hidden === 1) {
      let pick = -1;
      cells.forEach((c, i) => {
        if (c.suppressed !== null) return;
        const best = pick >= 0 ? (cells[pick] as BreakdownCell) : undefined;
        if (!best || (c.documents ?? 0) < (best.documents ?? 0) || ((c.documents ?? 0) === (best.documents ?? 0) && (c.baseDocuments ?? 0) < (best.baseDocuments ?? 0))) pick = i;
      });
      if (pick >= 0) cells[pick] = { suppressed: 'secondary', baseDocuments: null, segments: null, documents: null, documentShare: null };
    }
    return cells;
  };
  const ca = cellsOf(sa, groupBase[0]);
  const cb = cellsOf(sb, groupBase[1]);
  return groups.map((value, i) => {
    const x = ca[i] as BreakdownCell;
    const y = cb[i] as BreakdownCell;
    const section = x.suppressed === null && y.suppressed === null ? classify(x.documents ?? 0, y.documents ?? 0, thresholds) : null;
    return { value, a: x, b: y, section };
  });
}

/**
 * Up to `opts.evidence` quotes for one side of a row, each from a different document, documents in
 * title order; within a document the shortest segment whose sentence(s) fit `maxQuoteLength` (of its
 * five shortest; otherwise the shortest quote among them).
 */
async function chooseQuotes(ctx: ComparisonContext, s: SideAcc, side: 'a' | 'b', rank: Map<string, number>, opts: ParsedComparisonOptions): Promise<Quote[]> {
  if (opts.evidence === 0 || s.docs.size === 0) return [];
  // The first documents in title order (a partial selection: rows may span thousands of documents).
  const wanted = opts.evidence * 4;
  const top: { id: string; rank: number }[] = [];
  for (const id of s.docs.keys()) {
    const r = rank.get(id) ?? 0;
    if (top.length === wanted && r >= (top[top.length - 1] as { rank: number }).rank) continue;
    let at = top.length;
    while (at > 0 && (top[at - 1] as { rank: number }).rank > r) at--;
    top.splice(at, 0, { id, rank: r });
    if (top.length > wanted) top.pop();
  }
  const docIds = top.map((t) => t.id);
  const quotes: Quote[] = [];
  const long: Quote[] = [];
  const seen = new Set<string>();
  for (const id of docIds) {
    if (quotes.length >= opts.evidence) break;
    const doc = await ctx.loadDocument(id);
    if (!doc) continue;
    const index = ctx.indexOf(doc);
    const candidates = [...(s.docs.get(id) ?? [])].sort((x, y) => x.end - x.start - (y.end - y.start) || x.start - y.start).slice(0, 5);
    let best: Quote | undefined;
    for (const seg of candidates) {
      const parts = quoteAround(doc.text, index.toUtf16(seg.start), index.toUtf16(seg.end), opts.maxQuoteLength);
      const before = pseudonymise(parts.before);
      const coded = pseudonymise(parts.coded);
      const text = before + coded + pseudonymise(parts.after);
      if (!best || text.length < best.text.length) {
        best = { side, documentId: id, documentTitle: doc.title, segmentId: seg.id, codeId: seg.codeId, text, highlight: { start: before.length, end: before.length + coded.length } };
      }
      if (best.text.length <= opts.maxQuoteLength) break;
    }
    if (!best || seen.has(best.text)) continue;
    seen.add(best.text);
    if (best.text.length <= opts.maxQuoteLength) quotes.push(best);
    else long.push(best);
  }
  return [...quotes, ...long].slice(0, opts.evidence);
}

/** The paired comparison per case: which rows occur in A (the consultation) and not in B (its record), and the reverse. */
export function pairedByCase(result: ComparisonResult): { case: string; onlyA: string[]; onlyB: string[] }[] {
  const byCase = new Map<string, { onlyA: string[]; onlyB: string[] }>();
  for (const row of result.rows) {
    if (row.kind === 'parent') continue;
    for (const c of row.paired.onlyACases) {
      let e = byCase.get(c);
      if (!e) byCase.set(c, (e = { onlyA: [], onlyB: [] }));
      e.onlyA.push(row.label);
    }
    for (const c of row.paired.onlyBCases) {
      let e = byCase.get(c);
      if (!e) byCase.set(c, (e = { onlyA: [], onlyB: [] }));
      e.onlyB.push(row.label);
    }
  }
  const collator = new Intl.Collator('de', { numeric: true });
  return [...byCase.entries()].sort(([x], [y]) => collator.compare(x, y)).map(([c, e]) => ({ case: c, ...e }));
}
