import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoProject, ROOT } from '../../../server/demo.js';
import { makeDeps, type Actor, type Deps } from '../../../server/domain/deps.js';
import { Conflict, InvalidInput } from '../../../server/domain/errors.js';
import { diffForms, extractFieldValues, fieldsOf, formToJsonSchema, typedRecord } from '../../../server/domain/form-records.js';
import {
  commentRequirement,
  decideRequirement,
  formCoverage,
  formToFile,
  generateProposals,
  getForm,
  getFormVersion,
  importForm,
  listForms,
  putFormVersion,
  recordsOfForm,
  updateRequirement,
} from '../../../server/domain/forms.js';
import { backlogToCsv, backlogToMarkdown } from '../../../server/export/form-backlog.js';
import { FormDefinitionSchema, type FormDefinition, type Requirement } from '../../../server/schemas/form.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { Ajv2020 } from 'ajv/dist/2020.js';

const PO: Actor = { userId: 'po', role: 'product-owner' };
const FORM = 'beratungsdokumentation';

let deps: Deps;
let projectId: string;
let atmoIds: string[];
let atmoParent: string;

beforeAll(async () => {
  deps = makeDeps(new MemoryStore());
  projectId = (await createDemoProject(deps)).project.id;
  const codes = await deps.store.listCodes(projectId);
  atmoParent = codes.find((c) => c.key === 'atmosphaere')!.id;
  atmoIds = codes.filter((c) => c.parentId === atmoParent).map((c) => c.id);
});

describe('sample forms in the demo project', () => {
  it('imports both forms as version 1 with captures resolved from code keys to ids', async () => {
    const forms = await listForms(deps, projectId);
    expect(forms.map((f) => f.id)).toEqual(['beratungsdokumentation', 'massnahmenbeschreibung']);
    expect(forms.every((f) => f.version === 1)).toBe(true);
    const v1 = await getFormVersion(deps, projectId, FORM);
    const anlass = fieldsOf(v1.form).find((f) => f.id === 'anlass')!;
    const codes = await deps.store.listCodes(projectId);
    expect(anlass.captures).toEqual([codes.find((c) => c.key === 'anliegen-klaeren')!.id]);
    const verden = fieldsOf((await getFormVersion(deps, projectId, 'massnahmenbeschreibung')).form).map((f) => f.label);
    expect(verden).toEqual(expect.arrayContaining(['Welche Leistung wird angeboten?', 'Wurde die Zielgruppe beteiligt?', 'Warum ist die Maßnahme nachhaltig?', 'Vorschlag zur Evaluation']));
  });

  it('reads field values out of the records by label, with code-point offsets into the text', async () => {
    const form = (await getFormVersion(deps, projectId, FORM)).form;
    const records = await recordsOfForm(deps, projectId, form);
    expect(records).toHaveLength(8);
    const doc = await deps.store.getDocument(projectId, records[0]!.documentId);
    const cps = [...doc!.text];
    for (const v of records[0]!.values) expect(cps.slice(v.start, v.end).join('')).toBe(v.text);
    expect(records[0]!.values.find((v) => v.fieldId === 'dauer')?.text).toMatch(/Minuten$/);
  });

  it('offsets count code points, so astral characters before a field do not shift it', () => {
    const form = FormDefinitionSchema.parse({ id: 'f', title: 'F', sections: [{ id: 's', title: 'S', fields: [{ id: 'a', label: 'Anlass', type: 'long-text' }, { id: 'b', label: 'Ergebnis', type: 'long-text' }] }] });
    const text = 'Anlass: Frau 😀 K. kommt\nmit Sohn.\n\nUnbekannt: x\n\nergebnis :  gut 👍';
    const values = extractFieldValues(text, form);
    expect(values).toEqual([
      { fieldId: 'a', text: 'Frau 😀 K. kommt\nmit Sohn.', start: 8, end: 33 },
      { fieldId: 'b', text: 'gut 👍', start: 61, end: 66 },
    ]);
    expect([...text].slice(61, 66).join('')).toBe('gut 👍');
  });
});

describe('coverage', () => {
  it('finds the atmosphere work uncovered, the rest of the matrix from captures and from codes in field texts', async () => {
    const cov = await formCoverage(deps, projectId, FORM);
    const uncovered = new Set(cov.uncovered.map((u) => u.id));
    for (const id of atmoIds) expect(uncovered.has(id)).toBe(true);
    const row = (name: string) => cov.rows.find((r) => r.code.name === name)!;
    // through captures
    expect(row('Anliegen erfragen und Gesprächsrahmen setzen').cells.find((c) => c.fieldId === 'anlass')).toEqual({ fieldId: 'anlass', captures: true, inText: 0 });
    // through codes in the records' field texts (documentation codes mapped by the crosswalk)
    const summary = row('Thematisch zusammenfassen');
    expect(summary.covered).toBe(true);
    expect(summary.cells.find((c) => c.fieldId === 'ergebnis')!.inText).toBeGreaterThan(0);
    expect(summary.cells.find((c) => c.fieldId === 'dauer')!.inText).toBe(0);
    // every row has one cell per field, in form order
    const form = (await getFormVersion(deps, projectId, FORM)).form;
    expect(cov.rows[0]!.cells.map((c) => c.fieldId)).toEqual(fieldsOf(form).map((f) => f.id));
    expect(cov.rows.every((r) => r.documentsA > 0)).toBe(true);
  });

  it('fill rates and lengths per field; fields rarely filled or capturing nothing seen are candidates to simplify', async () => {
    const cov = await formCoverage(deps, projectId, FORM);
    const stat = (id: string) => cov.fields.find((f) => f.fieldId === id)!;
    expect(stat('anlass')).toEqual(expect.objectContaining({ records: 8, filled: 8, fillRate: 1 }));
    expect(stat('anlass').meanLength).toBeGreaterThan(50);
    expect(stat('naechster-termin').filled).toBe(7); // one record says "–"
    expect(stat('weitervermittlung').filled).toBe(0);
    const simplify = new Map(cov.simplify.map((s) => [s.fieldId, s.reasons]));
    expect(simplify.get('weitervermittlung')).toEqual(['captures-nothing-seen', 'rarely-filled']);
    expect(simplify.get('schweigepflichtentbindung')).toEqual(['rarely-filled']);
    expect(simplify.has('anlass')).toBe(false);
  });
});

describe('proposals and decisions', () => {
  let atmo: Requirement;

  it('proposes a multiple-choice field over the atmosphere sub-codes, with the comparison row as evidence', async () => {
    const { created, requirements } = await generateProposals(deps, projectId, FORM, PO);
    expect(created.length).toBeGreaterThan(1);
    atmo = requirements.find((r) => r.codes.length === atmoIds.length && atmoIds.every((id) => r.codes.includes(id)))!;
    expect(atmo).toBeDefined();
    expect(atmo.change).toBe('add-field');
    expect(atmo.fieldType).toBe('multiple-choice');
    expect(atmo.field?.options.map((o) => o.captures[0])).toEqual(atmoIds);
    expect(atmo.field?.captures).toEqual([atmoParent]);
    expect(atmo.evidence.rowId).toBe(`parent:${atmoParent}`);
    expect(atmo.evidence.section).toBe('only-a');
    expect(atmo.evidence.documentsA).toBeGreaterThan(5);
    expect(atmo.evidence.documentsB).toBe(0);
    expect(atmo.evidence.quotes.length).toBeGreaterThan(0);
    expect(atmo.evidence.quotes.every((q) => q.side === 'a')).toBe(true);
    // a leaf becomes a checkbox or long text, never a choice
    for (const r of requirements.filter((x) => x.change === 'add-field' && x.codes.length === 1)) expect(['checkbox', 'long-text']).toContain(r.fieldType);
    // generating again adds nothing
    const again = await generateProposals(deps, projectId, FORM, PO);
    expect(again.created).toEqual([]);
    expect(again.requirements).toHaveLength(requirements.length);
  });

  it('edits and comments on an open proposal; a stale version is a conflict', async () => {
    const edited = await updateRequirement(deps, projectId, FORM, atmo.id, { version: atmo.version, title: 'Gesprächsatmosphäre und Beziehungsarbeit erfassen', field: { ...atmo.field!, label: 'Gesprächsatmosphäre und Beziehungsarbeit' } });
    expect(edited.version).toBe(atmo.version + 1);
    await expect(updateRequirement(deps, projectId, FORM, atmo.id, { version: atmo.version, title: 'x' })).rejects.toBeInstanceOf(Conflict);
    atmo = await commentRequirement(deps, projectId, FORM, atmo.id, { text: 'Aus Sicht der Leitung wichtig.' }, { userId: 'lena', role: 'lead' });
    expect(atmo.comments.map((c) => c.text)).toEqual(['Aus Sicht der Leitung wichtig.']);
  });

  it('accepting yields version 2 with the field, the diff and the trace to codes, segments and documents', async () => {
    const { requirement, version } = await decideRequirement(deps, projectId, FORM, atmo.id, { version: atmo.version, action: 'accept', reason: 'Beziehungsarbeit soll sichtbar werden.' }, PO);
    expect(requirement.status).toBe('accepted');
    expect(requirement.decision).toEqual(expect.objectContaining({ by: 'po', reason: 'Beziehungsarbeit soll sichtbar werden.', version: 2 }));
    expect(version!.number).toBe(2);
    expect(version!.implements).toEqual([atmo.id]);
    const field = fieldsOf(version!.form).find((f) => f.id === atmo.field!.id)!;
    expect(field.label).toBe('Gesprächsatmosphäre und Beziehungsarbeit');
    expect(field.type).toBe('multiple-choice');
    expect(version!.diff).toEqual({ added: [{ fieldId: field.id, label: field.label, sectionId: 'inhalt' }], removed: [], changed: [] });
    const [entry] = version!.changeLog;
    expect(entry).toEqual(expect.objectContaining({ kind: 'added', fieldId: field.id, requirementId: atmo.id }));
    expect(entry!.codes.map((c) => c.id).sort()).toEqual([...atmoIds].sort());
    // segments: every consultation segment of those codes, and their documents
    const segments = await deps.store.listSegments(projectId, { codeIds: atmoIds });
    const metas = await deps.store.listDocuments(projectId);
    const observationIds = new Set(metas.filter((d) => d.kind === 'observation').map((d) => d.id));
    const expected = segments.filter((s) => observationIds.has(s.documentId));
    expect([...entry!.segments].sort()).toEqual(expected.map((s) => s.id).sort());
    expect(entry!.documents.map((d) => d.id).sort()).toEqual([...new Set(expected.map((s) => s.documentId))].sort());
    expect(entry!.documents[0]!.name.length).toBeGreaterThan(0);
    // the old version stays readable, unchanged
    const v1 = await getFormVersion(deps, projectId, FORM, 1);
    expect(fieldsOf(v1.form).some((f) => f.id === field.id)).toBe(false);
    expect((await getForm(deps, projectId, FORM)).versions.map((v) => v.number)).toEqual([1, 2]);
    // the atmosphere work is covered now
    const cov = await formCoverage(deps, projectId, FORM);
    expect(cov.version).toBe(2);
    for (const id of atmoIds) expect(cov.uncovered.some((u) => u.id === id)).toBe(false);
    // deciding again is a conflict
    await expect(decideRequirement(deps, projectId, FORM, atmo.id, { version: requirement.version, action: 'reject', reason: 'x' }, PO)).rejects.toBeInstanceOf(Conflict);
  });

  it('rejecting keeps the form and records the reason; the backlog lists both decisions', async () => {
    const open = (await generateProposals(deps, projectId, FORM, PO)).requirements.find((r) => r.status === 'open')!;
    const { requirement, version } = await decideRequirement(deps, projectId, FORM, open.id, { version: open.version, action: 'reject', reason: 'Nicht jetzt.' }, PO);
    expect(version).toBeNull();
    expect(requirement.status).toBe('rejected');
    expect((await getForm(deps, projectId, FORM)).versions).toHaveLength(2);
    const all = (await generateProposals(deps, projectId, FORM, PO)).requirements;
    const md = backlogToMarkdown(all, { formTitle: 'Beratungsdokumentation' });
    expect(md).toContain('angenommen');
    expect(md).toContain('abgelehnt');
    expect(md).toContain('Nicht jetzt.');
    const csv = backlogToCsv(all).split('\r\n');
    expect(csv[0]).toBe('id,title,change,field_type,target_field,rationale,row,documents_a,documents_b,segments_a,quotes,status,decision_by,decision_at,decision_reason,version');
    expect(csv.filter((l) => l.length > 0)).toHaveLength(all.length + 1);
  });
});

describe('versions, import and export', () => {
  it('a new version must be based on the current one; unknown captures name the field', async () => {
    const cur = await getFormVersion(deps, projectId, FORM);
    await expect(putFormVersion(deps, projectId, FORM, { basedOn: cur.number - 1, form: cur.form }, PO)).rejects.toBeInstanceOf(Conflict);
    const broken: FormDefinition = { ...cur.form, sections: cur.form.sections.map((s, i) => (i === 0 ? { ...s, fields: s.fields.map((f, j) => (j === 0 ? { ...f, captures: ['gibt-es-nicht'] } : f)) } : s)) };
    const err = await putFormVersion(deps, projectId, FORM, { basedOn: cur.number, form: broken }, PO).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).issues?.[0]?.path).toEqual(['form', 'sections', 0, 'fields', 0, 'captures', 0]);
    const renamed: FormDefinition = { ...cur.form, sections: cur.form.sections.map((s, i) => (i === 0 ? { ...s, fields: [...s.fields].reverse().map((f) => (f.id === 'dauer' ? { ...f, label: 'Gesprächsdauer' } : f)) } : s)) };
    const v = await putFormVersion(deps, projectId, FORM, { basedOn: cur.number, note: 'Dauer umbenannt', form: renamed }, PO);
    expect(v.number).toBe(cur.number + 1);
    expect(v.diff?.changed).toEqual([{ fieldId: 'dauer', label: 'Gesprächsdauer', changes: [{ property: 'label', before: 'Dauer', after: 'Gesprächsdauer' }] }]);
    expect(v.changeLog[0]?.summary).toContain('Gesprächsdauer');
  });

  it('exports captures as code keys; re-importing the file gives an identical next version', async () => {
    const codes = await deps.store.listCodes(projectId);
    const cur = await getFormVersion(deps, projectId, FORM);
    const file = JSON.parse(JSON.stringify(formToFile(cur.form, codes))) as FormDefinition;
    expect(fieldsOf(file).find((f) => f.id === 'anlass')!.captures).toEqual(['anliegen-klaeren']);
    const next = await importForm(deps, projectId, file, PO);
    expect(next.number).toBe(cur.number + 1);
    expect(next.form).toEqual(cur.form);
    expect(next.diff).toEqual({ added: [], removed: [], changed: [] });
  });

  it('the diff names added, removed and changed fields', () => {
    const a = FormDefinitionSchema.parse({ id: 'f', title: 'F', sections: [{ id: 's', title: 'S', fields: [{ id: 'x', label: 'X', type: 'short-text' }, { id: 'y', label: 'Y', type: 'checkbox', required: true }] }] });
    const b = FormDefinitionSchema.parse({ id: 'f', title: 'F', sections: [{ id: 's', title: 'S', fields: [{ id: 'y', label: 'Y', type: 'checkbox' }, { id: 'z', label: 'Z', type: 'date' }] }] });
    expect(diffForms(a, b)).toEqual({
      added: [{ fieldId: 'z', label: 'Z', sectionId: 's' }],
      removed: [{ fieldId: 'x', label: 'X', sectionId: 's' }],
      changed: [{ fieldId: 'y', label: 'Y', changes: [{ property: 'required', before: true, after: false }] }],
    });
  });
});

describe('malformed form schemas', () => {
  const issuesOf = (raw: unknown) => {
    const r = FormDefinitionSchema.safeParse(raw);
    expect(r.success).toBe(false);
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };
  const base = (fields: unknown[]) => ({ id: 'f', title: 'F', sections: [{ id: 's', title: 'S', fields }] });

  it('names the field of every problem', () => {
    expect(issuesOf(base([{ id: 'a', label: 'A', type: 'single-choice' }]))).toEqual([{ path: 'sections.0.fields.0.options', message: 'a single-choice field needs at least one option' }]);
    expect(issuesOf(base([{ id: 'a', label: 'A', type: 'radio' }]))[0]!.path).toBe('sections.0.fields.0.type');
    expect(issuesOf(base([{ id: 'A B', label: 'A', type: 'checkbox' }]))[0]!.path).toBe('sections.0.fields.0.id');
    expect(issuesOf(base([{ id: 'a', label: '', type: 'checkbox' }]))[0]!.path).toBe('sections.0.fields.0.label');
    expect(issuesOf(base([{ id: 'a', label: 'A', type: 'checkbox' }, { id: 'a', label: 'B', type: 'date' }]))).toEqual([{ path: 'sections.0.fields.1.id', message: 'field id "a" appears twice' }]);
    expect(issuesOf(base([{ id: 'a', label: 'A', type: 'multiple-choice', options: [{ value: 'x', label: 'X' }, { value: 'x', label: 'Y' }] }]))).toEqual([{ path: 'sections.0.fields.0.options.1.value', message: 'option value "x" appears twice' }]);
    expect(issuesOf({ id: 'f', title: 'F', sections: [] })[0]!.path).toBe('sections');
  });

  it('the importer reports the path too', async () => {
    const err = await importForm(deps, projectId, base([{ id: 'a', label: 'A', type: 'single-choice' }]), PO).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).message).toContain('sections.0.fields.0.options');
  });

  it('the sample files parse', async () => {
    for (const file of ['beratungsdokumentation.json', 'massnahmenbeschreibung.json']) {
      expect(FormDefinitionSchema.safeParse(JSON.parse(await readFile(join(ROOT, 'corpus', 'forms', file), 'utf8'))).success).toBe(true);
    }
  });
});

describe('JSON Schema export (2020-12)', () => {
  it('a standard validator (ajv, draft 2020-12) accepts the demo records and rejects broken ones', async () => {
    const fresh = makeDeps(new MemoryStore());
    const pid = (await createDemoProject(fresh)).project.id;
    const v = await getFormVersion(fresh, pid, FORM);
    const schema = formToJsonSchema(v.form, v.number);
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    // strict: unknown keywords or formats in our export are errors, not silently ignored; our three
    // annotation keywords (field type, option labels, section) are declared as such.
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    for (const keyword of ['x-field-type', 'x-options', 'x-section']) ajv.addKeyword({ keyword, schemaType: ['string', 'array', 'object'] });
    const check = ajv.compile(schema);
    const errors = (value: unknown): string[] =>
      check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.keyword}${e.params && 'additionalProperty' in e.params ? ` ${String(e.params['additionalProperty'])}` : ''}${e.params && 'missingProperty' in e.params ? ` ${String(e.params['missingProperty'])}` : ''}`);
    const records = await recordsOfForm(fresh, pid, v.form);
    expect(records).toHaveLength(8);
    for (const r of records) {
      const typed = typedRecord(v.form, r.values);
      expect(errors(typed), r.title).toEqual([]);
      expect(typeof typed['dauer']).toBe('number');
      expect(['termin', 'offene-sprechstunde']).toContain(typed['beratungsform']);
    }
    const good = typedRecord(v.form, records[0]!.values);
    const { anlass: _drop, ...missing } = good;
    void _drop;
    expect(errors(missing)).toEqual(['/ required anlass']);
    expect(errors({ ...good, beratungsform: 'hausbesuch' })).toEqual(['/beratungsform enum']);
    expect(errors({ ...good, dauer: '45 Minuten' })).toEqual(['/dauer type']);
    expect(errors({ ...good, unbekannt: 'x' })).toEqual(['/ additionalProperties unbekannt']);
    expect(errors({ ...good, schweigepflichtentbindung: 'ja' })).toEqual(['/schweigepflichtentbindung type']);
  });
});

describe('storage', () => {
  it('forms and proposals live in the project record and survive a reopen of the file store', async () => {
    const { adapters } = await import('../helpers.js');
    const { createProject } = await import('../../../server/domain/projects.js');
    const lowdb = adapters.find((a) => a.name === 'lowdb')!;
    const { store, reopen, cleanup } = await lowdb.open();
    try {
      const d = makeDeps(store);
      const p = await createProject(d, { name: 'Formulare' });
      // A project without the codebook: the sample's captures (code keys) are dropped first.
      const file = FormDefinitionSchema.parse(JSON.parse(await readFile(join(ROOT, 'corpus', 'forms', 'massnahmenbeschreibung.json'), 'utf8')));
      await importForm(d, p.id, { ...file, sections: file.sections.map((s) => ({ ...s, fields: s.fields.map((f) => ({ ...f, captures: [] })) })) }, PO);
      const again = makeDeps(await reopen!());
      const form = await getForm(again, p.id, 'massnahmenbeschreibung');
      expect(form.versions).toHaveLength(1);
      expect(fieldsOf(form.versions[0]!.form).map((f) => f.id)).toContain('zielgruppe-beteiligt');
    } finally {
      await cleanup();
    }
  });
});

describe('codes inside field texts', () => {
  it('a segment inside a field value counts for that field only (code points, astral characters before it)', async () => {
    const { createProject } = await import('../../../server/domain/projects.js');
    const { addDocuments } = await import('../../../server/domain/corpus.js');
    const { createCode } = await import('../../../server/domain/codebook.js');
    const d = makeDeps(new MemoryStore());
    const p = await createProject(d, { name: 'Klein' });
    const drinks = await createCode(d, p.id, { name: 'Getränke anbieten' });
    const goals = await createCode(d, p.id, { name: 'Ziele' });
    const obsText = 'FK bietet Kaffee an. Dann Ziele.';
    const recText = 'Anlass: 😀 Streit in der Schule\n\nVerlauf: Kaffee angeboten, dann Ziele besprochen.\n\nErgebnis: –';
    const [obs, rec] = await addDocuments(d, p.id, [
      { title: 'Beobachtung', kind: 'observation', text: obsText },
      { title: 'Dokumentation', kind: 'documentation', text: recText, attributes: { formular: { type: 'text', value: 'klein' } } },
    ]);
    const cp = (text: string, quote: string) => {
      const at = text.indexOf(quote);
      return { start: [...text.slice(0, at)].length, end: [...text.slice(0, at)].length + [...quote].length };
    };
    const seg = (id: string, documentId: string, codeId: string, where: { start: number; end: number }) => ({ id, documentId, codeId, ...where, coder: 'c', memo: '', created: T0, modified: T0, version: 1 });
    const T0 = '2026-01-01T00:00:00.000Z';
    await d.store.commit(p.id, {
      segments: {
        put: [
          seg('s1', obs!.id, drinks.id, cp(obsText, 'bietet Kaffee an')),
          seg('s2', obs!.id, goals.id, cp(obsText, 'Ziele')),
          seg('s3', rec!.id, drinks.id, cp(recText, 'Kaffee angeboten')),
        ],
      },
    });
    await importForm(d, p.id, { id: 'klein', title: 'Klein', sections: [{ id: 's', title: 'S', fields: [{ id: 'anlass', label: 'Anlass', type: 'long-text' }, { id: 'verlauf', label: 'Verlauf', type: 'long-text' }, { id: 'ergebnis', label: 'Ergebnis', type: 'long-text', required: true }] }] }, PO);
    const cov = await formCoverage(d, p.id, 'klein');
    const row = (id: string) => cov.rows.find((r) => r.code.id === id)!;
    expect(row(drinks.id).cells).toEqual([
      { fieldId: 'anlass', captures: false, inText: 0 },
      { fieldId: 'verlauf', captures: false, inText: 1 },
      { fieldId: 'ergebnis', captures: false, inText: 0 },
    ]);
    expect(row(drinks.id).covered).toBe(true);
    expect(cov.uncovered.map((u) => u.id)).toEqual([goals.id]);
    expect(cov.fields.find((f) => f.fieldId === 'ergebnis')).toEqual(expect.objectContaining({ filled: 0, fillRate: 0 }));
    // a required field nobody fills → make it optional; the single uncovered leaf → a checkbox (short act)
    const { created } = await generateProposals(d, p.id, 'klein', PO);
    expect(created.map((r) => [r.change, r.fieldType, r.targetFieldId])).toEqual(
      expect.arrayContaining([
        ['add-field', 'checkbox', null],
        ['make-optional', 'long-text', 'ergebnis'],
      ]),
    );
  });

  it('forms and proposals survive a project export and restore', async () => {
    const { exportProject, restoreProject } = await import('../../../server/domain/projects.js');
    const dump = JSON.parse(JSON.stringify(await exportProject(deps, projectId))) as unknown;
    const other = makeDeps(new MemoryStore());
    const { project } = await restoreProject(other, dump);
    expect((await getForm(other, project.id, FORM)).versions.length).toBe((await getForm(deps, projectId, FORM)).versions.length);
    const { listRequirements } = await import('../../../server/domain/forms.js');
    expect(await listRequirements(other, project.id, FORM)).toEqual(await listRequirements(deps, projectId, FORM));
  });
});

describe('concurrent changes', () => {
  it('two decisions at once: one wins, the other is a conflict; two comments at once both stay', async () => {
    const d = makeDeps(new MemoryStore());
    const pid = (await createDemoProject(d)).project.id;
    const [p] = (await generateProposals(d, pid, FORM, PO)).created;
    const results = await Promise.allSettled([
      decideRequirement(d, pid, FORM, p!.id, { version: p!.version, action: 'accept', reason: 'a' }, PO),
      decideRequirement(d, pid, FORM, p!.id, { version: p!.version, action: 'reject', reason: 'b' }, PO),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    await Promise.all([commentRequirement(d, pid, FORM, p!.id, { text: 'eins' }, PO), commentRequirement(d, pid, FORM, p!.id, { text: 'zwei' }, PO)]);
    const { listRequirements } = await import('../../../server/domain/forms.js');
    const stored = (await listRequirements(d, pid, FORM)).find((r) => r.id === p!.id)!;
    expect(stored.comments.map((c) => c.text).sort()).toEqual(['eins', 'zwei']);
    expect((await getForm(d, pid, FORM)).versions).toHaveLength(2);
  });
});
