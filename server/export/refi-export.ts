/**
 * REFI-QDA 1.5 export: a project as .qdpx (zip with project.qde and sources/<guid>.txt) and the
 * code tree as .qdc. Both validate against the REFI-QDA schemas (tests run xmllint on them).
 *
 * Mapping (see ARCHITECTURE.md, "REFI-QDA"): users → User (our login in `id`); codes → Code with
 * isCodable, color and the structured definition as Description text; documents → TextSource
 * (plain text in sources/, also inline as PlainTextContent) with PlainTextSelection + Coding per
 * segment; memos → Note + NoteRef; attributes and the kind → Variables, VariableValues and one
 * Case per document; sets → Set with MemberSource.
 */
import { zipSync } from 'fflate';
import { childrenOf } from '../domain/codebook.js';
import { resolveSet } from '../domain/corpus.js';
import { InvalidInput } from '../domain/errors.js';
import { CodePointIndex } from '../domain/text.js';
import type { AttributeValue } from '../schemas/attribute.js';
import type { Code } from '../schemas/code.js';
import type { DocumentMeta } from '../schemas/document.js';
import type { ProjectExport } from '../schemas/export.js';
import type { Memo } from '../schemas/memo.js';
import {
  CODEBOOK_NS,
  definitionToDescription,
  el,
  guidFor,
  KIND_VARIABLE,
  PROJECT_NS,
  textEl,
  type RefiWarning,
} from '../import/refi-model.js';

export interface RefiExportOptions {
  /** 'crlf' writes the texts with CRLF and counts the CR in the offsets (what MAXQDA expects). */
  lineEndings?: 'lf' | 'crlf';
  /** modifiedDateTime of the project; defaults to now. */
  now?: string;
}

export interface QdpxExport {
  zip: Uint8Array;
  /** project.qde as written into the zip. */
  qde: string;
  warnings: RefiWarning[];
}

type VarType = 'Text' | 'Integer' | 'Float' | 'Date' | 'Boolean';

function decimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // xsd:decimal has no exponent.
  return Number.isInteger(n) ? BigInt(n).toString() : n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

function varType(v: AttributeValue): VarType {
  switch (v.type) {
    case 'text':
      return 'Text';
    case 'boolean':
      return 'Boolean';
    case 'date':
      return 'Date';
    case 'number':
      return Number.isInteger(v.value) ? 'Integer' : 'Float';
  }
}

function valueEl(type: VarType, v: AttributeValue): string {
  switch (type) {
    case 'Text':
      return textEl('TextValue', String(v.value));
    case 'Boolean':
      return textEl('BooleanValue', String(v.value));
    case 'Date':
      return textEl('DateValue', String(v.value));
    case 'Integer':
      return textEl('IntegerValue', decimal(v.value as number));
    case 'Float':
      return textEl('FloatValue', decimal(v.value as number));
  }
}

function codeTree(codes: readonly Code[], guid: (id: string) => string, noteRefs: (id: string) => string[], withNotes: boolean): string {
  const build = (parentId: string | null): string[] =>
    childrenOf(codes, parentId).map((c) => {
      const description = definitionToDescription(c.definition);
      return el('Code', { guid: guid(c.id), name: c.name, isCodable: c.isCodable, color: c.colour.toLowerCase() }, [
        description ? textEl('Description', description) : '',
        ...(withNotes ? noteRefs(c.id) : []),
        ...build(c.id),
      ]);
    });
  return build(null).join('');
}

/** The code tree as a REFI-QDA codebook (.qdc, namespace urn:QDA-XML:codebook:1.0). */
export function exportQdc(projectId: string, codes: readonly Code[]): { xml: string; warnings: RefiWarning[] } {
  // The schema demands at least one Code.
  if (codes.length === 0) throw new InvalidInput('the project has no codes; a REFI-QDA codebook needs at least one');
  const warnings: RefiWarning[] = [];
  for (const c of codes) {
    if (c.definition.anchors.some((a) => a.segmentId)) warnings.push({ element: `Code "${c.name}"`, message: 'anchor examples are written as text; their links to coded segments are lost' });
  }
  const guid = (id: string): string => guidFor(projectId, 'code', id);
  const xml =
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' +
    `<CodeBook xmlns="${CODEBOOK_NS}" origin="Sichtbar">${el('Codes', {}, codes.length > 0 ? codeTree(codes, guid, () => [], false) : '')}</CodeBook>\n`;
  return { xml, warnings };
}

/** The whole project as a .qdpx archive. `data` is `exportProject`'s result (segments already filtered for the viewer). */
export function exportQdpx(data: ProjectExport, options: RefiExportOptions = {}): QdpxExport {
  const crlf = options.lineEndings === 'crlf';
  const pid = data.project.id;
  const warnings: RefiWarning[] = [];
  const g = (kind: string, id: string): string => guidFor(pid, kind, id);
  const userGuid = new Map(data.users.map((u) => [u.id, g('user', u.id)]));
  const knownUser = (id: string): string | undefined => userGuid.get(id);

  // Memos → Notes, referenced where they belong.
  const notesByTarget = new Map<string, Memo[]>();
  const segmentIds = new Set(data.segments.map((s) => s.id));
  const docIds = new Set(data.documents.map((d) => d.id));
  const codeIds = new Set(data.codes.map((c) => c.id));
  const memos = data.memos.filter((m) => {
    const t = m.target;
    if (t.type === 'segment' && !segmentIds.has(t.id)) return false; // a hidden or gone segment (independent mode)
    if ((t.type === 'document' && !docIds.has(t.id)) || (t.type === 'code' && !codeIds.has(t.id))) {
      warnings.push({ element: `Note "${m.title || m.id}"`, message: 'its target no longer exists; written as a project note' });
      notesByTarget.set('project', [...(notesByTarget.get('project') ?? []), m]);
      return true;
    }
    const key = t.type === 'project' ? 'project' : `${t.type}:${t.id}`;
    const list = notesByTarget.get(key);
    if (list) list.push(m);
    else notesByTarget.set(key, [m]);
    return true;
  });
  const noteRefs = (key: string): string[] => (notesByTarget.get(key) ?? []).map((m) => el('NoteRef', { targetGUID: g('memo', m.id) }));

  // Variables: one per attribute name, typed; a name used with two types becomes Text.
  const varTypes = new Map<string, VarType>();
  for (const d of data.documents) {
    for (const [name, v] of Object.entries(d.attributes)) {
      if (name === KIND_VARIABLE) continue;
      const t = varType(v);
      const prev = varTypes.get(name);
      if (prev === undefined) varTypes.set(name, t);
      else if (prev !== t) varTypes.set(name, (prev === 'Integer' && t === 'Float') || (prev === 'Float' && t === 'Integer') ? 'Float' : 'Text');
    }
  }
  for (const [name, t] of varTypes) if (t === 'Text' && data.documents.some((d) => d.attributes[name] && d.attributes[name].type !== 'text')) {
    warnings.push({ element: `Variable "${name}"`, message: 'values of different types; written as Text' });
  }
  if (data.documents.some((d) => d.attributes[KIND_VARIABLE])) {
    warnings.push({ element: `Variable "${KIND_VARIABLE}"`, message: 'an attribute named "kind" collides with the document kind; the kind is written, the attribute is not' });
  }
  const varNames = [KIND_VARIABLE, ...[...varTypes.keys()].sort()];
  const typeOf = (name: string): VarType => (name === KIND_VARIABLE ? 'Text' : (varTypes.get(name) ?? 'Text'));
  const valuesOf = (d: ProjectExport['documents'][number]): string[] => {
    const out = [el('VariableValue', {}, [el('VariableRef', { targetGUID: g('variable', KIND_VARIABLE) }), textEl('TextValue', d.kind)])];
    for (const name of varNames.slice(1)) {
      const v = d.attributes[name];
      if (v) out.push(el('VariableValue', {}, [el('VariableRef', { targetGUID: g('variable', name) }), valueEl(typeOf(name), v)]));
    }
    return out;
  };

  // Sources.
  const files: Record<string, Uint8Array> = {};
  const enc = new TextEncoder();
  const segsByDoc = new Map<string, ProjectExport['segments']>();
  for (const s of data.segments) {
    const list = segsByDoc.get(s.documentId);
    if (list) list.push(s);
    else segsByDoc.set(s.documentId, [s]);
  }
  const sources: string[] = [];
  for (const d of data.documents) {
    const guid = g('document', d.id);
    const text = crlf ? d.text.replace(/\n/g, '\r\n') : d.text;
    files[`sources/${guid}.txt`] = enc.encode(text);
    const idx = new CodePointIndex(d.text);
    // CRLF: a code-point offset moves by the number of LFs before it (each gains a CR).
    const lfBefore: number[] = [];
    if (crlf) {
      let n = 0;
      let cp = 0;
      for (const ch of d.text) {
        lfBefore[cp] = n;
        if (ch === '\n') n++;
        cp++;
      }
      lfBefore[cp] = n;
    }
    const shift = (cp: number): number => (crlf ? cp + (lfBefore[cp] ?? 0) : cp);
    const segs = (segsByDoc.get(d.id) ?? []).slice().sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : 1));
    const selections = segs.map((s) => {
      const coder = knownUser(s.coder);
      const name = idx.slice(s.start, s.end).replace(/\s+/g, ' ').trim().slice(0, 100);
      return el(
        'PlainTextSelection',
        { guid: g('segment', s.id), name: name || undefined, startPosition: shift(s.start), endPosition: shift(s.end), creatingUser: coder, creationDateTime: s.created, modifiedDateTime: s.modified },
        [
          s.memo ? textEl('Description', s.memo) : '',
          el('Coding', { guid: g('coding', s.id), creatingUser: coder, creationDateTime: s.created }, el('CodeRef', { targetGUID: g('code', s.codeId) })),
          ...noteRefs(`segment:${s.id}`),
        ],
      );
    });
    if (d.turns.length > 0) warnings.push({ element: `TextSource "${d.title}"`, message: 'speaker turns travel only as text (labels and timestamps stay in the text)' });
    sources.push(
      el('TextSource', { guid, name: d.title, plainTextPath: `internal://${guid}.txt`, creationDateTime: d.created }, [
        textEl('PlainTextContent', text),
        ...selections,
        ...noteRefs(`document:${d.id}`),
        ...valuesOf(d),
      ]),
    );
  }

  // Cases: one per document, carrying its variables (MAXQDA and NVivo read variables from cases).
  const cases = data.documents.map((d) => el('Case', { guid: g('case', d.id), name: d.title }, [...valuesOf(d), el('SourceRef', { targetGUID: g('document', d.id) })]));

  // Sets.
  const metas: DocumentMeta[] = data.documents.map((d) => ({ ...d, length: d.text.length }));
  const sets = data.sets.map((s) => {
    if (s.definition.type === 'filter') warnings.push({ element: `Set "${s.name}"`, message: 'a filter set is written with its current members; the filter itself is lost' });
    if (s.independent) warnings.push({ element: `Set "${s.name}"`, message: 'independent coding mode is not part of REFI-QDA and is lost' });
    const members = resolveSet(s, metas).filter((id) => docIds.has(id));
    return el('Set', { guid: g('set', s.id), name: s.name }, members.map((id) => el('MemberSource', { targetGUID: g('document', id) })));
  });

  const notes = memos.map((m) =>
    el('Note', { guid: g('memo', m.id), name: m.title || undefined, creatingUser: knownUser(m.author), creationDateTime: m.created, modifiedDateTime: m.modified }, textEl('PlainTextContent', m.text)),
  );

  for (const c of data.codes) {
    if (c.definition.anchors.some((a) => a.segmentId)) warnings.push({ element: `Code "${c.name}"`, message: 'anchor examples are written as text; their links to coded segments are lost' });
  }
  if (data.project.crosswalk.length > 0) warnings.push({ element: 'Project', message: `the crosswalk (${data.project.crosswalk.length} rows) is not part of REFI-QDA and is lost` });
  if ((data.project.forms?.length ?? 0) > 0) warnings.push({ element: 'Project', message: 'documentation forms are not part of REFI-QDA and are lost' });
  if ((data.project.requirements?.length ?? 0) > 0) warnings.push({ element: 'Project', message: 'requirement proposals are not part of REFI-QDA and are lost' });

  const users = data.users.map((u) => el('User', { guid: userGuid.get(u.id), name: u.displayName, id: u.login }));
  const qde =
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' +
    el(
      'Project',
      {
        xmlns: PROJECT_NS,
        name: data.project.name,
        origin: 'Sichtbar',
        creationDateTime: data.project.created,
        modifiedDateTime: options.now ?? new Date().toISOString(),
      },
      [
        users.length > 0 ? el('Users', {}, users) : '',
        data.codes.length > 0 ? el('CodeBook', {}, el('Codes', {}, codeTree(data.codes, (id) => g('code', id), (id) => noteRefs(`code:${id}`), true))) : '',
        data.documents.length > 0 ? el('Variables', {}, varNames.map((n) => el('Variable', { guid: g('variable', n), name: n, typeOfVariable: typeOf(n) }))) : '',
        cases.length > 0 ? el('Cases', {}, cases) : '',
        sources.length > 0 ? el('Sources', {}, sources) : '',
        notes.length > 0 ? el('Notes', {}, notes) : '',
        sets.length > 0 ? el('Sets', {}, sets) : '',
        data.project.description ? textEl('Description', data.project.description) : '',
        ...noteRefs('project'),
      ],
    ) +
    '\n';
  files['project.qde'] = enc.encode(qde);
  // A fixed mtime keeps two exports of the same project byte-identical apart from the dates inside.
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { mtime: new Date('2000-01-01T00:00:00Z') }]])), { level: 6 });
  return { zip, qde, warnings };
}
