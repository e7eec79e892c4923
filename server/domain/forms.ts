/**
 * Documentation forms (issue 5): versioned form schemas, coverage of consultation work by form
 * fields, requirement proposals generated from uncovered work, and decisions that produce new
 * revisions with a traceable change log.
 *
 * Storage: forms and requirements live in the project record (`Project.forms`,
 * `Project.requirements`), written with `commit({ project })` like the crosswalk. The project record
 * carries no version, so the optimistic checks are done here: a new form version must name the
 * current one (`basedOn`), an edit or decision of a requirement must name its current `version`.
 */
import { nextProject } from './projects.js';
import { Conflict, InvalidInput, NotFound, type ErrorIssue } from './errors.js';
import type { Actor, Deps } from './deps.js';
import { withDescendants } from './codebook.js';
import { compareSets } from './comparison.js';
import { diffForms, describeDiff, extractFieldValues, fieldsOf, formOfRecord, isFilled } from './form-records.js';
import { cpLength } from './text.js';
import type { Code } from '../schemas/code.js';
import type { DocumentMeta } from '../schemas/document.js';
import type { ComparisonRow } from '../schemas/comparison.js';
import { DEFAULT_SIDE_A } from '../schemas/comparison.js';
import {
  CoverageOptionsSchema,
  DecisionSchema,
  FormDefinitionSchema,
  NewCommentSchema,
  NewFormVersionSchema,
  RequirementPatchSchema,
  type ChangeLogEntry,
  type CoverageOptions,
  type CoverageResult,
  type CoverageRow,
  type Decision,
  type FieldStats,
  type FieldType,
  type FormDefinition,
  type FormField,
  type FormVersion,
  type NewFormVersion,
  type Requirement,
  type RequirementComment,
  type RequirementEvidence,
  type RequirementPatch,
  type StoredForm,
} from '../schemas/form.js';
import type { Project } from '../schemas/project.js';
import { codePath, codesInTreeOrder } from './code-tree.js';
import type { Segment } from '../schemas/segment.js';

const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Run the read-check-write of a forms change alone per store and project: the project record has no
 * version, so two decisions read at once could otherwise both pass their version check and the
 * later commit would drop the earlier one. (Within one process – the server is the one writer.)
 */
async function exclusive<T>(deps: Deps, projectId: string, fn: () => Promise<T>): Promise<T> {
  let perStore = queues.get(deps.store);
  if (!perStore) queues.set(deps.store, (perStore = new Map()));
  const before = perStore.get(projectId) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  perStore.set(projectId, settled);
  try {
    return await run;
  } finally {
    if (perStore.get(projectId) === settled) perStore.delete(projectId);
  }
}

async function loadProject(deps: Deps, projectId: string): Promise<Project> {
  const project = await deps.store.getProject(projectId);
  if (!project) throw new NotFound(`project ${projectId} not found`);
  return project;
}

function findForm(project: Project, formId: string): StoredForm {
  const form = (project.forms ?? []).find((f) => f.id === formId);
  if (!form) throw new NotFound(`form ${formId} not found`);
  return form;
}

export function currentVersion(form: StoredForm): FormVersion {
  return form.versions[form.versions.length - 1] as FormVersion;
}

async function authorName(deps: Deps, actor: Actor): Promise<string> {
  return (await deps.store.getUser(actor.userId))?.displayName ?? actor.userId;
}

// ---------------------------------------------------------------------------------------------
// Forms and versions

/** The forms of a project: id, title, current version number and field count. */
export async function listForms(deps: Deps, projectId: string): Promise<{ id: string; title: string; version: number; fields: number; versions: number }[]> {
  const project = await loadProject(deps, projectId);
  return (project.forms ?? []).map((f) => {
    const cur = currentVersion(f);
    return { id: f.id, title: cur.form.title, version: cur.number, fields: fieldsOf(cur.form).length, versions: f.versions.length };
  });
}

/** A form with every version (oldest first). */
export async function getForm(deps: Deps, projectId: string, formId: string): Promise<StoredForm> {
  return findForm(await loadProject(deps, projectId), formId);
}

export async function getFormVersion(deps: Deps, projectId: string, formId: string, number?: number): Promise<FormVersion> {
  const form = await getForm(deps, projectId, formId);
  const v = number === undefined ? currentVersion(form) : form.versions.find((x) => x.number === number);
  if (!v) throw new NotFound(`form ${formId} has no version ${number}`);
  return v;
}

/** zod issues → InvalidInput issues with the path to the field. */
function parseForm(raw: unknown, prefix: (string | number)[] = []): FormDefinition {
  const parsed = FormDefinitionSchema.safeParse(raw);
  if (!parsed.success) {
    const issues: ErrorIssue[] = parsed.error.issues.slice(0, 50).map((i) => ({ path: [...prefix, ...(i.path as (string | number)[])], message: i.message }));
    const first = issues[0];
    throw new InvalidInput(`the form is not valid${first ? `: ${(first.path ?? []).join('.')}: ${first.message}` : ''}`, issues);
  }
  return parsed.data;
}

/**
 * Resolve `captures` (of fields and options) to code ids: an id stays, a code key becomes its id.
 * Unknown ones are InvalidInput naming the path (sections.i.fields.j.captures.k).
 */
export function resolveCaptures(form: FormDefinition, codes: readonly Code[], prefix: (string | number)[] = []): FormDefinition {
  const ids = new Set(codes.map((c) => c.id));
  const byKey = new Map(codes.filter((c) => c.key !== undefined).map((c) => [c.key as string, c.id]));
  const issues: ErrorIssue[] = [];
  const resolve = (list: string[], path: (string | number)[]): string[] =>
    [
      ...new Set(
        list.map((x, k) => {
          if (ids.has(x)) return x;
          const id = byKey.get(x);
          if (id === undefined) issues.push({ path: [...prefix, ...path, k], message: `no code with id or key "${x}"` });
          return id ?? x;
        }),
      ),
    ];
  const sections = form.sections.map((s, i) => ({
    ...s,
    fields: s.fields.map((f, j) => ({
      ...f,
      captures: resolve(f.captures, ['sections', i, 'fields', j, 'captures']),
      options: f.options.map((o, k) => ({ ...o, captures: resolve(o.captures, ['sections', i, 'fields', j, 'options', k, 'captures']) })),
    })),
  }));
  if (issues.length > 0) throw new InvalidInput(`the form names codes that do not exist: ${issues.map((x) => (x.path ?? []).join('.')).join(', ')}`, issues.slice(0, 50));
  return { ...form, sections };
}

/** The form as a portable file: captures as code keys where the codes have keys. */
export function formToFile(form: FormDefinition, codes: readonly Code[]): FormDefinition {
  const keyOf = new Map(codes.filter((c) => c.key !== undefined).map((c) => [c.id, c.key as string]));
  const keys = (list: string[]): string[] => list.map((id) => keyOf.get(id) ?? id);
  return {
    ...form,
    sections: form.sections.map((s) => ({
      ...s,
      fields: s.fields.map((f) => ({ ...f, captures: keys(f.captures), options: f.options.map((o) => ({ ...o, captures: keys(o.captures) })) })),
    })),
  };
}

function manualChangeLog(before: FormDefinition | undefined, after: FormDefinition): { diff: FormVersion['diff']; changeLog: ChangeLogEntry[] } {
  if (!before) return { diff: undefined, changeLog: [] };
  const diff = diffForms(before, after);
  const lines = describeDiff(diff);
  const entries: ChangeLogEntry[] = [
    ...diff.added.map((x) => ({ kind: 'added' as const, fieldId: x.fieldId })),
    ...diff.changed.map((x) => ({ kind: 'changed' as const, fieldId: x.fieldId })),
    ...diff.removed.map((x) => ({ kind: 'removed' as const, fieldId: x.fieldId })),
  ].map((e, i) => ({ ...e, summary: lines[i] ?? '', codes: [], segments: [], documents: [] }));
  return { diff, changeLog: entries };
}

/**
 * Import a form (JSON, captures as code keys or ids). A new form id starts at version 1; an existing
 * one gets a new version after the current one (with the diff).
 */
export async function importForm(deps: Deps, projectId: string, raw: unknown, actor: Actor, note = ''): Promise<FormVersion> {
  return exclusive(deps, projectId, () => importFormUnlocked(deps, projectId, raw, actor, note));
}

async function importFormUnlocked(deps: Deps, projectId: string, raw: unknown, actor: Actor, note = ''): Promise<FormVersion> {
  const project = await loadProject(deps, projectId);
  const form = resolveCaptures(parseForm(raw), await deps.store.listCodes(projectId));
  const existing = (project.forms ?? []).find((f) => f.id === form.id);
  const before = existing ? currentVersion(existing).form : undefined;
  const { diff, changeLog } = manualChangeLog(before, form);
  const version: FormVersion = {
    number: existing ? currentVersion(existing).number + 1 : 1,
    author: actor.userId,
    authorName: await authorName(deps, actor),
    date: deps.now(),
    note: note || (existing ? 'Import' : 'Erste Fassung (Import)'),
    changeLog,
    implements: [],
    ...(diff ? { diff } : {}),
    form,
  };
  const forms = existing ? (project.forms ?? []).map((f) => (f.id === form.id ? { ...f, versions: [...f.versions, version] } : f)) : [...(project.forms ?? []), { id: form.id, versions: [version] }];
  await deps.store.commit(projectId, { project: nextProject(project, { forms }) });
  return version;
}

/** Save an edited form as a new version. `basedOn` must be the current version (else Conflict); the id cannot change. */
export async function putFormVersion(deps: Deps, projectId: string, formId: string, input: NewFormVersion, actor: Actor): Promise<FormVersion> {
  return exclusive(deps, projectId, () => putFormVersionUnlocked(deps, projectId, formId, input, actor));
}

async function putFormVersionUnlocked(deps: Deps, projectId: string, formId: string, input: NewFormVersion, actor: Actor): Promise<FormVersion> {
  const parsed = NewFormVersionSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 50).map((i) => ({ path: i.path as (string | number)[], message: i.message }));
    throw new InvalidInput(`the form is not valid: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, issues);
  }
  const project = await loadProject(deps, projectId);
  const stored = findForm(project, formId);
  const cur = currentVersion(stored);
  if (parsed.data.basedOn !== cur.number) throw new Conflict(`form ${formId} has changed: the current version is ${cur.number}`, cur);
  if (parsed.data.form.id !== formId) throw new InvalidInput('the form id cannot change', [{ path: ['form', 'id'], message: `must be "${formId}"` }]);
  const form = resolveCaptures(parsed.data.form, await deps.store.listCodes(projectId), ['form']);
  const { diff, changeLog } = manualChangeLog(cur.form, form);
  const version: FormVersion = {
    number: cur.number + 1,
    author: actor.userId,
    authorName: await authorName(deps, actor),
    date: deps.now(),
    note: parsed.data.note,
    changeLog,
    implements: [],
    ...(diff ? { diff } : {}),
    form,
  };
  const forms = (project.forms ?? []).map((f) => (f.id === formId ? { ...f, versions: [...f.versions, version] } : f));
  await deps.store.commit(projectId, { project: nextProject(project, { forms }) });
  return version;
}

// ---------------------------------------------------------------------------------------------
// Records, fill rates, coverage

export interface FormRecord {
  documentId: string;
  title: string;
  values: ReturnType<typeof extractFieldValues>;
}

/** The documentation records written with this form (attribute `formular` = form id) and their field values. */
export async function recordsOfForm(deps: Deps, projectId: string, form: FormDefinition, documents?: readonly DocumentMeta[]): Promise<FormRecord[]> {
  const metas = (documents ?? (await deps.store.listDocuments(projectId))).filter((d) => formOfRecord(d) === form.id);
  const out: FormRecord[] = [];
  for (const meta of metas.sort((a, b) => a.title.localeCompare(b.title, 'de'))) {
    const doc = await deps.store.getDocument(projectId, meta.id);
    if (doc) out.push({ documentId: doc.id, title: doc.title, values: extractFieldValues(doc.text, form) });
  }
  return out;
}

/** Fill rates and text lengths (code points) per field over the records. */
export function fieldStatistics(form: FormDefinition, records: readonly FormRecord[]): FieldStats[] {
  return fieldsOf(form).map((f) => {
    const lengths = records.flatMap((r) => r.values.filter((v) => v.fieldId === f.id && isFilled(v.text)).map((v) => cpLength(v.text.trim())));
    return {
      fieldId: f.id,
      label: f.label,
      sectionId: f.sectionId,
      type: f.type,
      required: f.required,
      records: records.length,
      filled: lengths.length,
      fillRate: records.length === 0 ? 0 : lengths.length / records.length,
      meanLength: lengths.length === 0 ? 0 : lengths.reduce((s, x) => s + x, 0) / lengths.length,
      maxLength: Math.max(0, ...lengths),
    };
  });
}


interface CoverageData {
  project: Project;
  version: FormVersion;
  codes: Code[];
  coverage: CoverageResult;
  /** Segments of side A (consultations), for the trace. */
  segmentsA: Segment[];
  titles: Map<string, string>;
  records: FormRecord[];
}

async function analyse(deps: Deps, projectId: string, formId: string, options: CoverageOptions = {}): Promise<CoverageData> {
  const opts = CoverageOptionsSchema.parse(options);
  const project = await loadProject(deps, projectId);
  const version = currentVersion(findForm(project, formId));
  const form = version.form;
  const [codes, metas, segments] = await Promise.all([deps.store.listCodes(projectId), deps.store.listDocuments(projectId), deps.store.listSegments(projectId)]);
  const byId = new Map(codes.map((c) => [c.id, c]));
  const kindsA = new Set(DEFAULT_SIDE_A.kinds ?? ['observation']);
  const docsA = new Set(metas.filter((d) => kindsA.has(d.kind)).map((d) => d.id));
  const titles = new Map(metas.map((d) => [d.id, d.title]));
  const segmentsA = segments.filter((s) => docsA.has(s.documentId));

  // Work seen in consultations: codable codes with segments in side A.
  const seen = new Map<string, { docs: Set<string>; segments: number }>();
  for (const s of segmentsA) {
    const e = seen.get(s.codeId) ?? { docs: new Set<string>(), segments: 0 };
    e.docs.add(s.documentId);
    e.segments++;
    seen.set(s.codeId, e);
  }

  const fields = fieldsOf(form);
  const captured = new Map(fields.map((f) => [f.id, new Set([...f.captures, ...f.options.flatMap((o) => o.captures)].flatMap((id) => (byId.has(id) ? withDescendants(codes, id) : [])))]));

  // Codes inside field texts of records; a documentation-side code counts for its crosswalk partners on side A.
  const partners = new Map<string, Set<string>>();
  for (const row of project.crosswalk) {
    const aIds = row.a.flatMap((id) => withDescendants(codes, id));
    for (const b of row.b.flatMap((id) => withDescendants(codes, id))) {
      const set = partners.get(b) ?? new Set<string>();
      for (const a of aIds) set.add(a);
      partners.set(b, set);
    }
  }
  const records = await recordsOfForm(deps, projectId, form, metas);
  const inText = new Map<string, number>(); // `${codeId}\u0000${fieldId}` → segments
  const recordIds = new Set(records.map((r) => r.documentId));
  const segmentsByDoc = new Map<string, Segment[]>();
  for (const s of segments) {
    if (!recordIds.has(s.documentId)) continue;
    const list = segmentsByDoc.get(s.documentId);
    if (list) list.push(s);
    else segmentsByDoc.set(s.documentId, [s]);
  }
  for (const r of records) {
    for (const s of segmentsByDoc.get(r.documentId) ?? []) {
      for (const v of r.values) {
        if (s.start >= v.end || s.end <= v.start) continue;
        for (const a of new Set([s.codeId, ...(partners.get(s.codeId) ?? [])])) {
          const key = `${a}\u0000${v.fieldId}`;
          inText.set(key, (inText.get(key) ?? 0) + 1);
        }
      }
    }
  }

  const rows: CoverageRow[] = [];
  for (const [codeId, e] of seen) {
    const code = byId.get(codeId);
    if (!code || e.docs.size < opts.minDocuments) continue;
    const cells = fields.map((f) => ({ fieldId: f.id, captures: captured.get(f.id)?.has(codeId) ?? false, inText: inText.get(`${codeId}\u0000${f.id}`) ?? 0 }));
    rows.push({ code: { id: code.id, name: code.name, path: codePath(code, byId) }, documentsA: e.docs.size, segmentsA: e.segments, cells, covered: cells.some((c) => c.captures || c.inText > 0) });
  }
  const treeOrder = new Map(codesInTreeOrder(codes).map((e, i) => [e.code.id, i]));
  rows.sort((a, b) => (treeOrder.get(a.code.id) ?? 0) - (treeOrder.get(b.code.id) ?? 0));

  const stats = fieldStatistics(form, records);
  const seenIds = new Set(rows.map((r) => r.code.id));
  const simplify: CoverageResult['simplify'] = [];
  for (const st of stats) {
    const reasons: ('captures-nothing-seen' | 'rarely-filled')[] = [];
    const capturesSeen = [...(captured.get(st.fieldId) ?? [])].some((id) => seenIds.has(id));
    const textSeen = rows.some((r) => r.cells.some((c) => c.fieldId === st.fieldId && c.inText > 0));
    if (!capturesSeen && !textSeen) reasons.push('captures-nothing-seen');
    if (st.records > 0 && st.fillRate < opts.minFillRate) reasons.push('rarely-filled');
    if (reasons.length > 0) simplify.push({ fieldId: st.fieldId, label: st.label, reasons, fillRate: st.fillRate });
  }
  const coverage: CoverageResult = {
    formId,
    version: version.number,
    fields: stats,
    rows,
    uncovered: rows.filter((r) => !r.covered).map((r) => ({ ...r.code, documentsA: r.documentsA })),
    simplify,
    thresholds: { minFillRate: opts.minFillRate, minDocuments: opts.minDocuments },
  };
  return { project, version, codes, coverage, segmentsA, titles, records };
}

/** Coverage of consultation work by the current version of a form: matrix (codes × fields) and lists. */
export async function formCoverage(deps: Deps, projectId: string, formId: string, options: CoverageOptions = {}): Promise<CoverageResult> {
  return (await analyse(deps, projectId, formId, options)).coverage;
}

// ---------------------------------------------------------------------------------------------
// Requirement proposals

function slugify(text: string): string {
  const s = text
    .toLocaleLowerCase('de')
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s || 'feld';
}

function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Leaf → checkbox when its consultation segments are short acts (mean < 80 code points), else long text. */
const LEAF_TEXT_LENGTH = 80;

function proposalKey(r: Pick<Requirement, 'formId' | 'change' | 'targetFieldId' | 'codes'>): string {
  return [r.formId, r.change, r.targetFieldId ?? '', [...r.codes].sort().join(',')].join('|');
}

/**
 * Generate proposals from the coverage of the current form version (existing proposals with the
 * same change and codes are kept, not duplicated):
 *   - uncovered codes are grouped by their parent category. A category with two or more uncovered
 *     sub-codes → add a multiple-choice field over them (one option per sub-code, the field capturing
 *     the category) – or, when a multiple-choice field already captures the category, add them as
 *     options there. A single uncovered leaf → add a checkbox (short acts) or a long-text field.
 *   - a required field that records rarely fill → make it optional; a field that captures work seen
 *     in consultations but is rarely filled → add help text naming that work.
 * Evidence: the comparison row of the category or code (counts of documents A/B, quotes), and every
 * consultation segment carrying the codes with its document (the trace).
 */
export async function generateProposals(deps: Deps, projectId: string, formId: string, actor: Actor, options: CoverageOptions = {}): Promise<{ created: Requirement[]; requirements: Requirement[] }> {
  return exclusive(deps, projectId, () => generateProposalsUnlocked(deps, projectId, formId, actor, options));
}

async function generateProposalsUnlocked(deps: Deps, projectId: string, formId: string, actor: Actor, options: CoverageOptions = {}): Promise<{ created: Requirement[]; requirements: Requirement[] }> {
  void actor;
  const data = await analyse(deps, projectId, formId, options);
  const { codes, coverage, version } = data;
  const byId = new Map(codes.map((c) => [c.id, c]));
  const comparison = await compareSets(deps, projectId, { evidence: 3 });
  const fields = fieldsOf(version.form);
  const taken = new Set(fields.map((f) => f.id));
  const now = deps.now();

  const rowFor = (ids: string[], parent: string | null): ComparisonRow | undefined =>
    (parent ? comparison.rows.find((r) => r.id === `parent:${parent}`) : undefined) ??
    (ids.length === 1 ? comparison.rows.find((r) => r.id === `code:${ids[0]}`) : undefined) ??
    comparison.rows.find((r) => r.kind === 'crosswalk' && r.codes.some((c) => c.side === 'a' && ids.includes(c.id)));

  const evidenceFor = (ids: string[], parent: string | null): RequirementEvidence => {
    const row = rowFor(ids, parent);
    const idSet = new Set(ids.flatMap((id) => withDescendants(codes, id)));
    const segs = data.segmentsA.filter((s) => idSet.has(s.codeId));
    const docIds = [...new Set(segs.map((s) => s.documentId))].sort((a, b) => (data.titles.get(a) ?? a).localeCompare(data.titles.get(b) ?? b, 'de'));
    return {
      rowId: row?.id ?? null,
      rowLabel: row?.label ?? ids.map((id) => byId.get(id)?.name ?? id).join(', '),
      section: row?.section ?? null,
      documentsA: row?.a.documents ?? docIds.length,
      documentsB: row?.b.documents ?? 0,
      segmentsA: row?.a.segments ?? segs.length,
      segmentsB: row?.b.segments ?? 0,
      quotes: (row?.evidence ?? []).map((q) => ({ side: q.side, documentId: q.documentId, documentTitle: q.documentTitle, segmentId: q.segmentId, text: q.text })),
      segmentIds: segs.map((s) => s.id),
      documents: docIds.map((id) => ({ id, name: data.titles.get(id) ?? id })),
    };
  };

  // The section most fields capturing consultation work sit in: where new content fields go.
  const sectionScore = new Map<string, number>();
  for (const f of fields) if (f.captures.length > 0) sectionScore.set(f.sectionId, (sectionScore.get(f.sectionId) ?? 0) + 1);
  const defaultSection = [...sectionScore.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? version.form.sections[version.form.sections.length - 1]?.id ?? null;

  type Draft = Omit<Requirement, 'id' | 'status' | 'decision' | 'comments' | 'created' | 'modified' | 'version'>;
  const drafts: Draft[] = [];
  const groups = new Map<string | null, string[]>();
  for (const u of coverage.uncovered) {
    const parent = byId.get(u.id)?.parentId ?? null;
    groups.set(parent, [...(groups.get(parent) ?? []), u.id]);
  }
  for (const [parentId, ids] of groups) {
    const parent = parentId !== null ? byId.get(parentId) : undefined;
    // A category with several uncovered sub-codes (a top-level folder is a tree, not a category).
    if (parent && parent.parentId !== null && ids.length >= 2) {
      const options = ids.map((id) => ({ value: slugify(byId.get(id)?.key ?? byId.get(id)?.name ?? id), label: byId.get(id)?.name ?? id, captures: [id] }));
      const existing = fields.find((f) => f.type === 'multiple-choice' && f.captures.includes(parent.id));
      if (existing) {
        const known = new Set(existing.options.map((o) => o.value));
        drafts.push({
          formId,
          title: `Optionen für „${existing.label}“ ergänzen: ${options.map((o) => o.label).join(', ')}`,
          rationale: `In Beratungen beobachtet, aber von keinem Feld erfasst: ${options.map((o) => o.label).join(', ')}.`,
          change: 'add-options',
          fieldType: 'multiple-choice',
          targetFieldId: existing.id,
          sectionId: null,
          field: null,
          options: options.filter((o) => !known.has(o.value)),
          help: '',
          codes: ids,
          evidence: evidenceFor(ids, parent.id),
        });
        continue;
      }
      const id = uniqueId(slugify(parent.key ?? parent.name), taken);
      taken.add(id);
      const field: FormField = {
        id,
        label: parent.name,
        help: `Was in diesem Gespräch dazu getan wurde (Mehrfachauswahl). ${parent.definition.description ? parent.definition.description.split(/(?<=\.)\s/)[0] ?? '' : ''}`.trim(),
        type: 'multiple-choice',
        options,
        required: false,
        captures: [parent.id],
      };
      drafts.push({
        formId,
        title: `Feld „${parent.name}“ ergänzen`,
        rationale: `Die Kategorie „${parent.name}“ kommt in Beratungen vor (${ids.length} Unterkategorien), kein Feld der Version ${version.number} erfasst sie. Vorschlag: Mehrfachauswahl über die Unterkategorien.`,
        change: 'add-field',
        fieldType: 'multiple-choice',
        targetFieldId: null,
        sectionId: defaultSection,
        field,
        options: [],
        help: '',
        codes: ids,
        evidence: evidenceFor(ids, parent.id),
      });
      continue;
    }
    for (const codeId of ids) {
      const code = byId.get(codeId);
      if (!code) continue;
      const segs = data.segmentsA.filter((s) => s.codeId === codeId);
      const mean = segs.length === 0 ? 0 : segs.reduce((s, x) => s + (x.end - x.start), 0) / segs.length;
      const type: FieldType = mean < LEAF_TEXT_LENGTH ? 'checkbox' : 'long-text';
      const id = uniqueId(slugify(code.key ?? code.name), taken);
      taken.add(id);
      drafts.push({
        formId,
        title: `Feld „${code.name}“ ergänzen`,
        rationale: `„${code.name}“ kommt in Beratungen vor, kein Feld der Version ${version.number} erfasst es. Vorschlag: ${type === 'checkbox' ? 'Ankreuzfeld (kurze Handlung)' : 'Freitext'}.`,
        change: 'add-field',
        fieldType: type,
        targetFieldId: null,
        sectionId: defaultSection,
        field: { id, label: code.name, help: '', type, options: [], required: false, captures: [codeId] },
        options: [],
        help: '',
        codes: [codeId],
        evidence: evidenceFor([codeId], null),
      });
    }
  }

  const seenCodes = new Set(coverage.rows.map((r) => r.code.id));
  for (const st of coverage.fields) {
    if (st.records === 0 || st.fillRate >= coverage.thresholds.minFillRate) continue;
    const field = fields.find((f) => f.id === st.fieldId);
    if (!field) continue;
    const capturedSeen = field.captures.flatMap((id) => (byId.has(id) ? withDescendants(codes, id) : [])).filter((id) => seenCodes.has(id));
    if (field.required) {
      drafts.push({
        formId,
        title: `„${field.label}“ optional machen`,
        rationale: `Pflichtfeld, aber nur in ${st.filled} von ${st.records} Dokumentationen ausgefüllt.`,
        change: 'make-optional',
        fieldType: field.type,
        targetFieldId: field.id,
        sectionId: null,
        field: null,
        options: [],
        help: '',
        codes: capturedSeen,
        evidence: evidenceFor(capturedSeen, null),
      });
    } else if (capturedSeen.length > 0) {
      const names = capturedSeen.map((id) => byId.get(id)?.name ?? id);
      drafts.push({
        formId,
        title: `Hilfetext für „${field.label}“ ergänzen`,
        rationale: `Das Feld erfasst Arbeit, die in Beratungen vorkommt (${names.join(', ')}), wird aber nur in ${st.filled} von ${st.records} Dokumentationen ausgefüllt.`,
        change: 'help-text',
        fieldType: field.type,
        targetFieldId: field.id,
        sectionId: null,
        field: null,
        options: [],
        help: `${field.help ? `${field.help} ` : ''}Hier auch festhalten: ${names.join(', ')}.`,
        codes: capturedSeen,
        evidence: evidenceFor(capturedSeen, null),
      });
    }
  }

  const project = await loadProject(deps, projectId);
  const existing = project.requirements ?? [];
  const keys = new Set(existing.map(proposalKey));
  const created: Requirement[] = [];
  for (const d of drafts) {
    if (keys.has(proposalKey(d))) continue;
    keys.add(proposalKey(d));
    created.push({ ...d, id: deps.newId(), status: 'open', decision: null, comments: [], created: now, modified: now, version: 1 });
  }
  const requirements = [...existing, ...created];
  if (created.length > 0) await deps.store.commit(projectId, { project: nextProject(project, { requirements }) });
  return { created, requirements: requirements.filter((r) => r.formId === formId) };
}

export async function listRequirements(deps: Deps, projectId: string, formId: string): Promise<Requirement[]> {
  const project = await loadProject(deps, projectId);
  findForm(project, formId);
  return (project.requirements ?? []).filter((r) => r.formId === formId);
}

function findRequirement(project: Project, formId: string, id: string): Requirement {
  const r = (project.requirements ?? []).find((x) => x.id === id && x.formId === formId);
  if (!r) throw new NotFound(`proposal ${id} not found`);
  return r;
}

async function saveRequirement(deps: Deps, project: Project, next: Requirement, forms?: StoredForm[]): Promise<void> {
  const requirements = (project.requirements ?? []).map((r) => (r.id === next.id ? next : r));
  await deps.store.commit(project.id, { project: nextProject(project, { requirements, ...(forms ? { forms } : {}) }) });
}

/** Edit an open proposal (title, rationale, the suggested field, options, help text, target). */
export async function updateRequirement(deps: Deps, projectId: string, formId: string, id: string, patch: RequirementPatch): Promise<Requirement> {
  return exclusive(deps, projectId, () => updateRequirementUnlocked(deps, projectId, formId, id, patch));
}

async function updateRequirementUnlocked(deps: Deps, projectId: string, formId: string, id: string, patch: RequirementPatch): Promise<Requirement> {
  const p = RequirementPatchSchema.parse(patch);
  const project = await loadProject(deps, projectId);
  const r = findRequirement(project, formId, id);
  if (r.version !== p.version) throw new Conflict(`proposal ${id} was changed by someone else (version ${r.version})`, r);
  if (r.status !== 'open') throw new Conflict(`proposal ${id} is already ${r.status}`, r);
  if (p.field) resolveCaptures({ id: 'check', title: 'check', description: '', sections: [{ id: 'check', title: 'check', help: '', fields: [p.field] }] }, await deps.store.listCodes(projectId), ['field']);
  const next: Requirement = {
    ...r,
    ...(p.title !== undefined ? { title: p.title } : {}),
    ...(p.rationale !== undefined ? { rationale: p.rationale } : {}),
    ...(p.targetFieldId !== undefined ? { targetFieldId: p.targetFieldId } : {}),
    ...(p.sectionId !== undefined ? { sectionId: p.sectionId } : {}),
    ...(p.field !== undefined ? { field: p.field, fieldType: p.field?.type ?? r.fieldType } : {}),
    ...(p.options !== undefined ? { options: p.options } : {}),
    ...(p.help !== undefined ? { help: p.help } : {}),
    modified: deps.now(),
    version: r.version + 1,
  };
  await saveRequirement(deps, project, next);
  return next;
}

/** Comment on a proposal (leads, product owners, admins). */
export async function commentRequirement(deps: Deps, projectId: string, formId: string, id: string, input: { text: string }, actor: Actor): Promise<Requirement> {
  return exclusive(deps, projectId, () => commentRequirementUnlocked(deps, projectId, formId, id, input, actor));
}

async function commentRequirementUnlocked(deps: Deps, projectId: string, formId: string, id: string, input: { text: string }, actor: Actor): Promise<Requirement> {
  const { text } = NewCommentSchema.parse(input);
  const project = await loadProject(deps, projectId);
  const r = findRequirement(project, formId, id);
  const comment: RequirementComment = { id: deps.newId(), author: actor.userId, authorName: await authorName(deps, actor), date: deps.now(), text };
  const next: Requirement = { ...r, comments: [...r.comments, comment], modified: deps.now(), version: r.version + 1 };
  await saveRequirement(deps, project, next);
  return next;
}

/** Apply a proposal's change to a form; InvalidInput when it no longer fits (field gone, id taken). */
export function applyRequirement(form: FormDefinition, r: Requirement): FormDefinition {
  const fields = fieldsOf(form);
  const target = (): FormField => {
    const f = fields.find((x) => x.id === r.targetFieldId);
    if (!f) throw new InvalidInput(`the field ${r.targetFieldId ?? '(none)'} is not in the form`, [{ path: ['targetFieldId'], message: 'no such field' }]);
    return f;
  };
  const mapField = (id: string, fn: (f: FormField) => FormField): FormDefinition => ({ ...form, sections: form.sections.map((s) => ({ ...s, fields: s.fields.map((f) => (f.id === id ? fn(f) : f)) })) });
  switch (r.change) {
    case 'add-field': {
      const field = r.field;
      if (!field) throw new InvalidInput('the proposal has no field', [{ path: ['field'], message: 'required for add-field' }]);
      if (fields.some((f) => f.id === field.id)) throw new InvalidInput(`a field "${field.id}" exists already`, [{ path: ['field', 'id'], message: 'taken' }]);
      const sectionId = r.sectionId && form.sections.some((s) => s.id === r.sectionId) ? r.sectionId : form.sections[form.sections.length - 1]?.id;
      return { ...form, sections: form.sections.map((s) => (s.id === sectionId ? { ...s, fields: [...s.fields, field] } : s)) };
    }
    case 'add-options': {
      const f = target();
      const known = new Set(f.options.map((o) => o.value));
      return mapField(f.id, (x) => ({ ...x, options: [...x.options, ...r.options.filter((o) => !known.has(o.value))] }));
    }
    case 'help-text':
      return mapField(target().id, (x) => ({ ...x, help: r.help }));
    case 'make-optional':
      return mapField(target().id, (x) => ({ ...x, required: false }));
  }
}

/**
 * Accept or reject a proposal with a reason (product owners, admins). Accepting applies the change
 * to the current form version and stores a new version with the diff and a change log that traces
 * each changed field to the requirement, its codes, the consultation segments and their documents.
 */
export async function decideRequirement(deps: Deps, projectId: string, formId: string, id: string, input: Decision, actor: Actor): Promise<{ requirement: Requirement; version: FormVersion | null }> {
  return exclusive(deps, projectId, () => decideRequirementUnlocked(deps, projectId, formId, id, input, actor));
}

async function decideRequirementUnlocked(deps: Deps, projectId: string, formId: string, id: string, input: Decision, actor: Actor): Promise<{ requirement: Requirement; version: FormVersion | null }> {
  const d = DecisionSchema.parse(input);
  const project = await loadProject(deps, projectId);
  const r = findRequirement(project, formId, id);
  if (r.version !== d.version) throw new Conflict(`proposal ${id} was changed by someone else (version ${r.version})`, r);
  if (r.status !== 'open') throw new Conflict(`proposal ${id} is already ${r.status}`, r);
  const now = deps.now();
  const name = await authorName(deps, actor);
  if (d.action === 'reject') {
    const next: Requirement = { ...r, status: 'rejected', decision: { by: actor.userId, byName: name, at: now, reason: d.reason, version: null }, modified: now, version: r.version + 1 };
    await saveRequirement(deps, project, next);
    return { requirement: next, version: null };
  }
  const stored = findForm(project, formId);
  const cur = currentVersion(stored);
  const form = parseForm(applyRequirement(cur.form, r));
  const diff = diffForms(cur.form, form);
  const codes = await deps.store.listCodes(projectId);
  const byId = new Map(codes.map((c) => [c.id, c]));
  const codeRefs = r.codes.map((c) => ({ id: c, name: byId.get(c)?.name ?? c }));
  const lines = describeDiff(diff);
  const changeLog: ChangeLogEntry[] = [
    ...diff.added.map((x) => ({ kind: 'added' as const, fieldId: x.fieldId })),
    ...diff.changed.map((x) => ({ kind: 'changed' as const, fieldId: x.fieldId })),
    ...diff.removed.map((x) => ({ kind: 'removed' as const, fieldId: x.fieldId })),
  ].map((e, i) => ({
    ...e,
    summary: lines[i] ?? '',
    requirementId: r.id,
    requirementTitle: r.title,
    codes: codeRefs,
    segments: r.evidence.segmentIds,
    documents: r.evidence.documents,
  }));
  const version: FormVersion = { number: cur.number + 1, author: actor.userId, authorName: name, date: now, note: d.reason, changeLog, implements: [r.id], diff, form };
  const forms = (project.forms ?? []).map((f) => (f.id === formId ? { ...f, versions: [...f.versions, version] } : f));
  const next: Requirement = { ...r, status: 'accepted', decision: { by: actor.userId, byName: name, at: now, reason: d.reason, version: version.number }, modified: now, version: r.version + 1 };
  await saveRequirement(deps, project, next, forms);
  return { requirement: next, version };
}
