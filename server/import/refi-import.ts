/**
 * REFI-QDA 1.5 import: a .qdpx archive (or a bare .qde) becomes a NEW project; a .qdc codebook
 * joins an existing project's code tree. Files come from outside: the archive is unzipped with
 * declared-size limits and zip-slip checks (refi-model.ts), the XML is checked for well-formedness
 * and refused if it carries a DTD (no entity expansion, no external entities), and everything is
 * read and checked before anything is written – a broken file writes nothing.
 *
 * Tolerated vendor quirks: an inner .qde named after the project; GUIDs in braces or upper case;
 * zero-length selections (skipped with a warning); MAXQDA's PlainTextSelection with a Description
 * but no Coding (a comment: becomes a memo on the document); nameless Cases with one SourceRef
 * carrying document variables (become that document's attributes); several sources with the same
 * name (titles get " (2)", …); a BOM and CRLF in source texts (offsets are mapped onto our NFC/LF text).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Deps } from '../domain/deps.js';
import { InvalidInput, NotFound } from '../domain/errors.js';
import { DISABLED_PASSWORD } from '../domain/password.js';
import { cpLength, normaliseText } from '../domain/text.js';
import { AttributeNameSchema, type AttributeValue, type Attributes } from '../schemas/attribute.js';
import { CodeSchema, type Code } from '../schemas/code.js';
import { TimestampSchema } from '../schemas/common.js';
import { DOCUMENT_KINDS, DocumentSchema, type Document, type DocumentKind } from '../schemas/document.js';
import { DocumentSetSchema, type DocumentSet } from '../schemas/document-set.js';
import { MemoSchema, type Memo, type MemoTarget } from '../schemas/memo.js';
import { ProjectSchema, type Project } from '../schemas/project.js';
import { SegmentSchema, type Segment } from '../schemas/segment.js';
import type { QdcImportResult, RefiImportResult } from '../schemas/refi.js';
import type { User } from '../schemas/user.js';
import { descriptionToDefinition, KIND_VARIABLE, normaliseGuid, REFI_LIMITS, safeUnzip, type RefiWarning } from './refi-model.js';
import { forbiddenXmlDeclaration } from './safe-zip.js';
import { parseTurns } from './transcript.js';

export interface RefiImportOptions {
  /** Coder/author for codings and notes that name no known user (defaults to the file's first user). */
  actorUserId?: string;
  /** Project name instead of the file's. */
  name?: string;
}

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000', '#000075', '#e6a400'];
const MAX_WARNINGS = 1000;

const ARRAY_TAGS = new Set([
  'User', 'Code', 'Variable', 'Case', 'TextSource', 'PictureSource', 'PDFSource', 'AudioSource', 'VideoSource',
  'PlainTextSelection', 'PictureSelection', 'PDFSelection', 'AudioSelection', 'VideoSelection', 'Transcript', 'TranscriptSelection',
  'Coding', 'CodeRef', 'NoteRef', 'VariableValue', 'SourceRef', 'SelectionRef', 'Note', 'Link', 'Set', 'MemberSource', 'MemberCode',
  'MemberNote', 'Graph',
]);

// fast-xml-parser yields a loose tree; these helpers read it defensively.
type XNode = Record<string, unknown>;

function kids(node: unknown, tag: string): XNode[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as XNode)[tag];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (x && typeof x === 'object' ? (x as XNode) : { '#text': typeof x === 'string' ? x : '' }));
}

function child(node: unknown, tag: string): XNode | undefined {
  return kids(node, tag)[0];
}

function attr(node: XNode | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** Text content of an element (absent → undefined). */
function text(node: unknown, tag: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as XNode)[tag];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return undefined;
  if (typeof one === 'string') return one;
  if (one && typeof one === 'object') {
    const t = (one as XNode)['#text'];
    return typeof t === 'string' ? t : '';
  }
  return String(one);
}

/**
 * Parse REFI-QDA XML into a loose tree after checking it: well-formed, no DTD (so no entity
 * expansion and no external entities), the expected root element.
 */
export function parseRefiXml(xml: string, root: 'Project' | 'CodeBook', file: string): XNode {
  const body = xml.replace(/^\ufeff/, '');
  if (forbiddenXmlDeclaration(body) !== undefined) throw new InvalidInput(`${file}: DTDs and entity declarations are not allowed in REFI-QDA files`);
  const check = XMLValidator.validate(body);
  if (check !== true) throw new InvalidInput(`${file}: malformed XML at line ${check.err.line}, column ${check.err.col}: ${check.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    // Numeric character references (&#13;, &#xE9;) are decoded only with this on; named HTML entities are harmless.
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name, _jpath, _leaf, isAttribute) => !isAttribute && ARRAY_TAGS.has(name),
  });
  const doc = parser.parse(body) as XNode;
  const top = doc[root];
  if (!top || typeof top !== 'object') {
    const found = Object.keys(doc).filter((k) => !k.startsWith('?') && k !== '#text');
    throw new InvalidInput(`${file}: the root element must be <${root}>${found.length > 0 ? `, found <${found[0]}>` : ''}`);
  }
  return top as XNode;
}

/** The inner .qde of a .qdpx: `project.qde`, or the single .qde at the top (ATLAS.ti 26 names it after the project). */
function findQde(files: Map<string, Uint8Array>): [string, Uint8Array] {
  const qdes = [...files.keys()].filter((k) => k.toLowerCase().endsWith('.qde'));
  const top = qdes.filter((k) => !k.includes('/'));
  const pick = files.has('project.qde') ? 'project.qde' : top.length === 1 ? top[0] : top.length === 0 && qdes.length === 1 ? qdes[0] : undefined;
  if (pick === undefined) {
    throw new InvalidInput(qdes.length === 0 ? 'the archive holds no .qde file (a .qdpx is a zip with project.qde and sources/)' : `the archive holds several .qde files (${qdes.slice(0, 5).join(', ')}); expected one`);
  }
  return [pick, files.get(pick) as Uint8Array];
}

function decodeUtf8(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes).replace(/^\ufeff/, '');
  } catch {
    throw new InvalidInput(`${file}: not valid UTF-8 (REFI-QDA files and texts are UTF-8)`);
  }
}

/**
 * Maps code-point offsets in a source text as written (BOM removed, maybe CRLF or CR, maybe not
 * NFC) onto our stored text (NFC, LF), in one pass. NFC only works within runs of non-ASCII code
 * points and the ASCII character before them (an ASCII character never composes with what
 * precedes it and blocks reordering), so each such run is normalised on its own; a CR before an
 * LF maps to nothing.
 */
function offsetMapper(raw: string): { text: string; map: (cp: number) => number | undefined } {
  const cps = Array.from(raw);
  const table = new Array<number>(cps.length + 1);
  let j = 0;
  let i = 0;
  while (i < cps.length) {
    const c = cps[i] as string;
    if (c < '\u0080') {
      table[i] = j;
      if (!(c === '\r' && cps[i + 1] === '\n')) j++;
      i++;
      continue;
    }
    // A run of non-ASCII code points, with the ASCII character before it (it may be a base letter).
    const s0 = i > 0 && cps[i - 1] !== '\n' && cps[i - 1] !== '\r' ? i - 1 : i;
    if (s0 < i) j--;
    let k = i;
    while (k < cps.length && (cps[k] as string) >= '\u0080') k++;
    const run = cps.slice(s0, k);
    const joined = run.join('');
    if (joined.normalize('NFC') === joined) {
      for (let t = 0; t < run.length; t++) table[s0 + t] = j + t;
      j += run.length;
    } else {
      for (let t = 0; t < run.length; t++) table[s0 + t] = j + cpLength(run.slice(0, t).join('').normalize('NFC'));
      j += cpLength(joined.normalize('NFC'));
    }
    i = k;
  }
  table[cps.length] = j;
  const text = normaliseText(raw);
  if (j !== cpLength(text)) {
    // Should not happen (see above); if it does, map exactly the slow way rather than misplace codings.
    return { text, map: (cp) => (Number.isInteger(cp) && cp >= 0 && cp <= cps.length ? cpLength(normaliseText(cps.slice(0, cp).join(''))) : undefined) };
  }
  return { text, map: (cp) => (Number.isInteger(cp) && cp >= 0 && cp <= cps.length ? table[cp] : undefined) };
}

function clampName(raw: string | undefined, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const n = (raw ?? '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().slice(0, 300).trim();
  return n || fallback;
}

function colourOf(raw: string | undefined, i: number): string {
  const c = raw?.trim();
  if (c && /^#[0-9a-f]{6}$/i.test(c)) return c.toLowerCase();
  if (c && /^#[0-9a-f]{3}$/i.test(c)) return `#${[...c.slice(1)].map((x) => x + x).join('')}`.toLowerCase();
  return PALETTE[i % PALETTE.length] ?? '#4363d8';
}

function boolOf(raw: string | undefined, dflt: boolean): boolean {
  if (raw === undefined) return dflt;
  const v = raw.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : dflt;
}

function intAttr(node: XNode, name: string, path: string): number {
  const raw = attr(node, name);
  if (raw === undefined || !/^\s*[+-]?\d+\s*$/.test(raw)) throw new InvalidInput(`${path}: ${name} must be a whole number (found ${raw === undefined ? 'nothing' : `"${raw.slice(0, 40)}"`})`);
  return Number(raw);
}

function guidAttr(node: XNode, name: string, path: string): string {
  const g = normaliseGuid(attr(node, name));
  if (!g) throw new InvalidInput(`${path}: ${name} missing or not a GUID (found "${(attr(node, name) ?? '').slice(0, 60)}")`);
  return g;
}

class Warnings {
  readonly list: RefiWarning[] = [];
  private dropped = 0;
  add(element: string, message: string): void {
    if (this.list.length < MAX_WARNINGS) this.list.push({ element, message });
    else this.dropped++;
  }
  done(): RefiWarning[] {
    return this.dropped > 0 ? [...this.list, { element: 'Project', message: `${this.dropped} more warnings left out` }] : this.list;
  }
}

/** Parse an attribute value of a VariableValue; undefined = no usable value. */
function variableValue(vv: XNode, varName: string, w: Warnings, path: string): AttributeValue | undefined {
  const t = text(vv, 'TextValue');
  if (t !== undefined) return t === '' ? undefined : { type: 'text', value: t.slice(0, 10_000) };
  const b = text(vv, 'BooleanValue');
  if (b !== undefined) return { type: 'boolean', value: boolOf(b, false) };
  for (const tag of ['IntegerValue', 'FloatValue']) {
    const n = text(vv, tag);
    if (n !== undefined) {
      const v = Number(n.trim());
      if (n.trim() === '' || !Number.isFinite(v)) {
        w.add(path, `the value "${n.slice(0, 40)}" of variable "${varName}" is not a number; left out`);
        return undefined;
      }
      return { type: 'number', value: v };
    }
  }
  const d = text(vv, 'DateValue');
  if (d !== undefined) {
    const day = d.trim().slice(0, 10);
    if (/^\d{4}-\d{2}-\d{2}$/.test(day)) return { type: 'date', value: day };
    w.add(path, `the date "${d.slice(0, 40)}" of variable "${varName}" is not YYYY-MM-DD; left out`);
    return undefined;
  }
  const dt = text(vv, 'DateTimeValue');
  if (dt !== undefined) {
    w.add(path, `variable "${varName}": a DateTime value is kept as text (Sichtbar has dates without time)`);
    return { type: 'text', value: dt.trim() };
  }
  return undefined;
}

interface Parsed {
  project: Project;
  documents: Document[];
  codes: Code[];
  segments: Segment[];
  memos: Memo[];
  sets: DocumentSet[];
  /** Users to create after the project is written. */
  newUsers: User[];
  usersMapped: number;
  warnings: RefiWarning[];
}

/** Read a .qdpx (zip) or .qde (XML) into entities for a new project; writes nothing. */
export async function readRefiProject(deps: Deps, fileName: string, bytes: Uint8Array, options: RefiImportOptions = {}): Promise<Parsed> {
  let qdeName: string;
  let qdeBytes: Uint8Array;
  let files = new Map<string, Uint8Array>();
  if (fileName.toLowerCase().endsWith('.qde') || (bytes[0] === 0x3c || (bytes[0] === 0xef && bytes[3] === 0x3c))) {
    if (bytes.length > REFI_LIMITS.maxEntryBytes) throw new InvalidInput(`${fileName}: larger than ${REFI_LIMITS.maxEntryBytes} bytes`);
    qdeName = fileName;
    qdeBytes = bytes;
  } else {
    files = safeUnzip(bytes);
    [qdeName, qdeBytes] = findQde(files);
  }
  const root = parseRefiXml(decodeUtf8(qdeName, qdeBytes), 'Project', qdeName);
  const w = new Warnings();
  const now = deps.now();
  const ts = (raw: string | undefined): string => (raw !== undefined && TimestampSchema.safeParse(raw.trim()).success ? raw.trim() : now);
  const projectId = deps.newId();

  // Users: matched to ours by id (our exports use the user id as GUID), then by login (User@id), else created without a password.
  const userOf = new Map<string, string>();
  const newUsers: User[] = [];
  let usersMapped = 0;
  const logins = new Set<string>();
  for (const [i, u] of kids(child(root, 'Users'), 'User').entries()) {
    const path = `Project/Users/User[${i + 1}]`;
    const guid = guidAttr(u, 'guid', path);
    const loginAttr = attr(u, 'id');
    const byId = await deps.store.getUser(guid);
    const byLogin = !byId && loginAttr ? await deps.store.findUserByLogin(loginAttr) : undefined;
    const known = byId ?? byLogin;
    if (known) {
      userOf.set(guid, known.id);
      usersMapped++;
      continue;
    }
    const displayName = clampName(attr(u, 'name'), loginAttr ?? `user-${guid.slice(0, 8)}`).slice(0, 200);
    let login = (loginAttr ?? displayName).normalize('NFKD').replace(/[^a-zA-Z0-9._-]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 56) || `user-${guid.slice(0, 8)}`;
    if (login.length < 2) login = `user-${guid.slice(0, 8)}`;
    if (logins.has(login) || (await deps.store.findUserByLogin(login))) login = `${login}-${guid.slice(0, 6)}`;
    logins.add(login);
    // The file's GUID becomes the user id, so importing the same file again finds the same user.
    const id = newUsers.some((x) => x.id === guid) ? deps.newId() : guid;
    newUsers.push({ id, login, displayName, role: 'researcher', passwordHash: DISABLED_PASSWORD, created: now, version: 1 });
    userOf.set(guid, id);
  }
  let fallbackUser = options.actorUserId ?? newUsers[0]?.id ?? [...userOf.values()][0];
  const unknownUsers = new Set<string>();
  const userFor = (raw: string | undefined, path: string): string => {
    const g = normaliseGuid(raw);
    const id = g ? userOf.get(g) : undefined;
    if (id) return id;
    if (g && !unknownUsers.has(g)) {
      unknownUsers.add(g);
      w.add(path, `user ${g} is not in <Users>; attributed to the importing user`);
    }
    if (!fallbackUser) {
      const id2 = deps.newId();
      newUsers.push({ id: id2, login: `refi-import-${id2.slice(0, 6)}`, displayName: 'REFI-QDA import', role: 'researcher', passwordHash: DISABLED_PASSWORD, created: now, version: 1 });
      fallbackUser = id2;
    }
    return fallbackUser;
  };

  // Notes: collected first, attached where a NoteRef names them.
  const notes = new Map<string, { name: string; text: string; author: string; created: string; modified: string; used: boolean; path: string }>();
  for (const [i, n] of kids(child(root, 'Notes'), 'Note').entries()) {
    const path = `Project/Notes/Note[${i + 1}]`;
    const guid = guidAttr(n, 'guid', path);
    let body = text(n, 'PlainTextContent');
    const p = attr(n, 'plainTextPath');
    if (body === undefined && p?.startsWith('internal://')) {
      const f = files.get(`sources/${p.slice(11)}`) ?? files.get(p.slice(11));
      if (f) body = decodeUtf8(p, f);
    }
    if (body === undefined) {
      w.add(path, 'a note without plain text (rich text only) is left out');
      continue;
    }
    if (body.length > 200_000) {
      w.add(path, 'note text longer than 200,000 characters; cut');
      body = body.slice(0, 200_000);
    }
    notes.set(guid, { name: clampName(attr(n, 'name'), '').slice(0, 300), text: body, author: userFor(attr(n, 'creatingUser'), path), created: ts(attr(n, 'creationDateTime')), modified: ts(attr(n, 'modifiedDateTime') ?? attr(n, 'creationDateTime')), used: false, path });
  }
  const memos: Memo[] = [];
  const attachNotes = (node: XNode, target: MemoTarget, path: string): void => {
    for (const ref of kids(node, 'NoteRef')) {
      const g = normaliseGuid(attr(ref, 'targetGUID'));
      const note = g ? notes.get(g) : undefined;
      if (!note) {
        w.add(`${path}/NoteRef`, `names no note of the file (${attr(ref, 'targetGUID') ?? 'no targetGUID'}); left out`);
        continue;
      }
      if (note.used) {
        w.add(note.path, 'referenced more than once; attached to its first target only');
        continue;
      }
      note.used = true;
      memos.push({ id: deps.newId(), target, title: note.name, text: note.text, author: note.author, created: note.created, modified: note.modified, version: 1 });
    }
  };

  // Codes.
  const codes: Code[] = [];
  const codeOf = new Map<string, string>();
  const walk = (nodes: XNode[], parentId: string | null, path: string): void => {
    nodes.forEach((c, i) => {
      const here = `${path}/Code[${i + 1}]`;
      const guid = guidAttr(c, 'guid', here);
      if (codeOf.has(guid)) throw new InvalidInput(`${here}: the GUID ${guid} is used by two codes`);
      const id = deps.newId();
      codeOf.set(guid, id);
      const name = clampName(attr(c, 'name'), `Code ${codes.length + 1}`);
      if (!attr(c, 'name')?.trim()) w.add(here, `a code without a name is called "${name}"`);
      const description = text(c, 'Description');
      codes.push({
        id,
        parentId,
        name,
        colour: colourOf(attr(c, 'color'), codes.length),
        isCodable: boolOf(attr(c, 'isCodable'), true),
        order: i,
        definition: descriptionToDefinition(description ?? ''),
        created: now,
        modified: now,
        version: 1,
      });
      attachNotes(c, { type: 'code', id }, here);
      walk(kids(c, 'Code'), id, here);
    });
  };
  walk(kids(child(child(root, 'CodeBook'), 'Codes'), 'Code'), null, 'Project/CodeBook/Codes');
  if (codes.length > 100_000) throw new InvalidInput('Project/CodeBook: more than 100,000 codes');

  // Variables.
  const variables = new Map<string, { name: string; type: string }>();
  for (const [i, v] of kids(child(root, 'Variables'), 'Variable').entries()) {
    const path = `Project/Variables/Variable[${i + 1}]`;
    const name = (attr(v, 'name') ?? '').trim();
    const ok = AttributeNameSchema.safeParse(name);
    if (!ok.success) {
      w.add(path, `the variable name "${name.slice(0, 60)}" cannot be an attribute name; left out`);
      continue;
    }
    variables.set(guidAttr(v, 'guid', path), { name: ok.data, type: attr(v, 'typeOfVariable') ?? 'Text' });
  }
  const readValues = (node: XNode, path: string): Attributes => {
    const out: Attributes = {};
    for (const vv of kids(node, 'VariableValue')) {
      const g = normaliseGuid(attr(child(vv, 'VariableRef'), 'targetGUID'));
      const v = g ? variables.get(g) : undefined;
      if (!v) {
        w.add(`${path}/VariableValue`, 'names no variable of the file; left out');
        continue;
      }
      const value = variableValue(vv, v.name, w, path);
      if (value) out[v.name] = value;
    }
    return out;
  };

  // Sources.
  const sources = child(root, 'Sources');
  const documents: Document[] = [];
  const segments: Segment[] = [];
  const docOf = new Map<string, string>();
  const docAttrs = new Map<string, Attributes>();
  const titles = new Map<string, number>();
  for (const [i, s] of kids(sources, 'TextSource').entries()) {
    const path = `Project/Sources/TextSource[${i + 1}]`;
    const guid = guidAttr(s, 'guid', path);
    const label = `TextSource "${attr(s, 'name') ?? guid}"`;
    let raw: string | undefined;
    const p = attr(s, 'plainTextPath');
    if (p?.startsWith('internal://')) {
      const name = p.slice(11);
      const f = files.get(`sources/${name}`) ?? files.get(name) ?? [...files.entries()].find(([k]) => k.toLowerCase().endsWith(`/${name.toLowerCase()}`))?.[1];
      if (f) raw = decodeUtf8(`sources/${name}`, f);
    }
    if (raw === undefined) raw = text(s, 'PlainTextContent')?.replace(/^\ufeff/, '');
    if (raw === undefined) {
      w.add(label, p ? `its text (${p}) is not in the archive and there is no PlainTextContent; skipped with its codings` : 'no plain text (rich text only); skipped with its codings');
      continue;
    }
    const { text: docText, map } = offsetMapper(raw);
    if (docText.length > 5_000_000) throw new InvalidInput(`${path}: the text is longer than 5,000,000 characters`);
    const length = cpLength(docText);
    const id = deps.newId();
    docOf.set(guid, id);
    let title = clampName(attr(s, 'name'), `Source ${documents.length + 1}`);
    const seen = titles.get(title.toLowerCase()) ?? 0;
    titles.set(title.toLowerCase(), seen + 1);
    if (seen > 0) {
      w.add(label, `several sources are called "${title}"; this one is called "${title} (${seen + 1})"`);
      title = `${title.slice(0, 290)} (${seen + 1})`;
    }
    const attributes = readValues(s, path);
    docAttrs.set(id, attributes);
    const created = ts(attr(s, 'creationDateTime'));
    documents.push({ id, title, kind: 'other', text: docText, attributes, turns: parseTurns(docText), created, version: 1 });
    const sourceDescription = text(s, 'Description')?.trim();
    if (sourceDescription) {
      memos.push({ id: deps.newId(), target: { type: 'document', id }, title: 'Beschreibung', text: normaliseText(sourceDescription).slice(0, 200_000), author: userFor(attr(s, 'creatingUser'), path), created, modified: created, version: 1 });
    }

    const makeSegment = (coding: XNode, start: number, end: number, memo: string, sel: XNode | undefined, cpath: string): Segment | undefined => {
      const g = normaliseGuid(attr(child(coding, 'CodeRef'), 'targetGUID'));
      const codeId = g ? codeOf.get(g) : undefined;
      if (!codeId) {
        w.add(cpath, `the coding names no code of the codebook (${attr(child(coding, 'CodeRef'), 'targetGUID') ?? 'no CodeRef'}); left out`);
        return undefined;
      }
      const created2 = ts(attr(coding, 'creationDateTime') ?? attr(sel ?? {}, 'creationDateTime'));
      const seg: Segment = {
        id: deps.newId(),
        documentId: id,
        codeId,
        start,
        end,
        coder: userFor(attr(coding, 'creatingUser') ?? attr(sel ?? {}, 'creatingUser'), cpath),
        memo: memo.slice(0, 50_000),
        created: created2,
        modified: sel ? ts(attr(sel, 'modifiedDateTime') ?? attr(coding, 'creationDateTime')) : created2,
        version: 1,
      };
      segments.push(seg);
      attachNotes(coding, { type: 'segment', id: seg.id }, cpath);
      return seg;
    };
    // Codings of the whole source.
    for (const [k, c] of kids(s, 'Coding').entries()) {
      if (length > 0) makeSegment(c, 0, length, '', undefined, `${path}/Coding[${k + 1}]`);
    }
    for (const [k, sel] of kids(s, 'PlainTextSelection').entries()) {
      const spath = `${path}/PlainTextSelection[${k + 1}]`;
      const sLabel = `${label} PlainTextSelection ${attr(sel, 'guid') ?? k + 1}`;
      const rs = intAttr(sel, 'startPosition', spath);
      const re = intAttr(sel, 'endPosition', spath);
      const start = map(rs);
      const end = map(re);
      if (start === undefined || end === undefined) {
        w.add(sLabel, `positions ${rs}–${re} lie outside the text (${cpLength(raw)} code points); skipped`);
        continue;
      }
      if (end <= start) {
        w.add(sLabel, re === rs ? 'a zero-length selection; skipped' : `end ${re} before start ${rs}; skipped`);
        continue;
      }
      const description = text(sel, 'Description')?.trim() ?? '';
      const codings = kids(sel, 'Coding');
      const made = codings.map((c, ci) => makeSegment(c, start, end, description, sel, `${spath}/Coding[${ci + 1}]`)).filter((x): x is Segment => x !== undefined);
      if (codings.length === 0) {
        if (description) {
          // MAXQDA writes comments on text as selections with a Description and no Coding.
          const quote = Array.from(docText).slice(start, end).join('');
          memos.push({
            id: deps.newId(),
            target: { type: 'document', id },
            title: clampName(attr(sel, 'name'), 'Kommentar').slice(0, 300),
            text: `${description}\n\n> ${quote.replace(/\n/g, '\n> ')}\n\n(Position ${start}–${end})`.slice(0, 200_000),
            author: userFor(attr(sel, 'creatingUser'), spath),
            created: ts(attr(sel, 'creationDateTime')),
            modified: ts(attr(sel, 'modifiedDateTime') ?? attr(sel, 'creationDateTime')),
            version: 1,
          });
        } else if (kids(sel, 'NoteRef').length === 0) {
          w.add(sLabel, 'a selection without coding, description or note; skipped');
        }
      }
      const first = made[0];
      attachNotes(sel, first ? { type: 'segment', id: first.id } : { type: 'document', id }, spath);
    }
    // After the selections, so a note referenced by a coding and by its source stays with the coding.
    attachNotes(s, { type: 'document', id }, path);
  }
  for (const tag of ['PictureSource', 'PDFSource', 'AudioSource', 'VideoSource'] as const) {
    for (const s of kids(sources, tag)) {
      const selections = ['PictureSelection', 'PDFSelection', 'AudioSelection', 'VideoSelection', 'Transcript'].reduce((n, t) => n + kids(s, t).length, 0);
      w.add(`${tag} "${attr(s, 'name') ?? attr(s, 'guid') ?? '?'}"`, `Sichtbar holds text only: skipped${selections > 0 ? ` with ${selections} selection(s)/transcript(s) and their codings` : ''}${kids(s, 'Representation').length > 0 || child(s, 'TextDescription') ? ' (its text representation is not imported)' : ''}`);
    }
  }

  // Cases: one SourceRef → that document's variables (MAXQDA); several → attribute `case` plus the values.
  for (const [i, c] of kids(child(root, 'Cases'), 'Case').entries()) {
    const path = `Project/Cases/Case[${i + 1}]`;
    const label = `Case "${attr(c, 'name') ?? attr(c, 'guid') ?? i + 1}"`;
    const values = readValues(c, path);
    const docs = kids(c, 'SourceRef')
      .map((r) => docOf.get(normaliseGuid(attr(r, 'targetGUID')) ?? ''))
      .filter((x): x is string => x !== undefined);
    if (kids(c, 'CodeRef').length > 0 || kids(c, 'SelectionRef').length > 0) w.add(label, 'codes and selections of a case are not carried over');
    if (text(c, 'Description')?.trim()) w.add(label, 'the description of a case is not carried over');
    if (docs.length === 0) {
      w.add(label, 'names no imported text source; its variables are left out');
      continue;
    }
    const name = attr(c, 'name')?.trim();
    for (const docId of docs) {
      const a = docAttrs.get(docId) as Attributes;
      for (const [k, v] of Object.entries(values)) if (!(k in a)) a[k] = v;
      if (docs.length > 1 && name && !('case' in a)) a['case'] = { type: 'text', value: name.slice(0, 10_000) };
    }
  }
  // The kind travels as the Text variable `kind`.
  for (const d of documents) {
    const k = d.attributes[KIND_VARIABLE];
    if (k) {
      const value = String(k.value).trim().toLowerCase();
      if ((DOCUMENT_KINDS as readonly string[]).includes(value)) {
        d.kind = value as DocumentKind;
        delete d.attributes[KIND_VARIABLE];
      } else {
        w.add(`TextSource "${d.title}"`, `the variable "kind" has the unknown value "${String(k.value).slice(0, 40)}"; kept as an attribute, kind "other"`);
      }
    } else if (d.turns.length > 0) {
      d.kind = 'interview';
    }
  }

  // Sets.
  const sets: DocumentSet[] = [];
  const setNames = new Set<string>();
  for (const [i, s] of kids(child(root, 'Sets'), 'Set').entries()) {
    const path = `Project/Sets/Set[${i + 1}]`;
    let name = clampName(attr(s, 'name'), `Set ${i + 1}`);
    if (setNames.has(name.toLowerCase())) name = `${name.slice(0, 290)} (${i + 1})`;
    setNames.add(name.toLowerCase());
    const documentIds = [...new Set(kids(s, 'MemberSource').map((r) => docOf.get(normaliseGuid(attr(r, 'targetGUID')) ?? '')).filter((x): x is string => x !== undefined))];
    const other = kids(s, 'MemberCode').length + kids(s, 'MemberNote').length;
    if (other > 0) w.add(`Set "${name}"`, `${other} code/note member(s) are left out (Sichtbar sets hold documents)`);
    if (kids(s, 'MemberSource').length > documentIds.length) w.add(`Set "${name}"`, 'some members are not imported text sources; left out');
    if (text(s, 'Description')?.trim()) w.add(`Set "${name}"`, 'the description of a set is not carried over');
    sets.push({ id: deps.newId(), name, definition: { type: 'members', documentIds }, created: now, version: 1 });
    void path;
  }

  for (const l of kids(child(root, 'Links'), 'Link')) w.add(`Link "${attr(l, 'name') ?? attr(l, 'guid') ?? ''}"`, 'links between elements are not carried over');
  for (const g of kids(child(root, 'Graphs'), 'Graph')) w.add(`Graph "${attr(g, 'name') ?? attr(g, 'guid') ?? ''}"`, 'graphs (networks) are not carried over');

  const project: Project = {
    id: projectId,
    name: clampName(options.name ?? attr(root, 'name'), fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'REFI-QDA import'),
    description: (text(root, 'Description') ?? '').slice(0, 200_000),
    language: 'de',
    created: ts(attr(root, 'creationDateTime')),
    crosswalk: [],
    version: 1,
  };
  attachNotes(root, { type: 'project' }, 'Project');
  for (const n of notes.values()) {
    if (!n.used) memos.push({ id: deps.newId(), target: { type: 'project' }, title: n.name, text: n.text, author: n.author, created: n.created, modified: n.modified, version: 1 });
  }

  // Everything through our schemas before anything is written; an error names the element.
  const check = <T>(schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: T, element: string): void => {
    const r = schema.safeParse(value);
    if (!r.success) {
      const issue = r.error?.issues[0];
      throw new InvalidInput(`${element}: ${issue ? `${issue.path.map(String).join('.')} ${issue.message}` : 'invalid'}`);
    }
  };
  check(ProjectSchema, project, 'Project');
  for (const d of documents) check(DocumentSchema, d, `TextSource "${d.title}"`);
  for (const c of codes) check(CodeSchema, c, `Code "${c.name}"`);
  for (const s of segments) check(SegmentSchema, s, `PlainTextSelection in document ${s.documentId}`);
  for (const m of memos) check(MemoSchema, m, `Note "${m.title}"`);
  for (const s of sets) check(DocumentSetSchema, s, `Set "${s.name}"`);
  return { project, documents, codes, segments, memos, sets, newUsers, usersMapped, warnings: w.done() };
}

/** Import a .qdpx/.qde as a new project. Nothing is written when the file is broken. */
export async function importQdpx(deps: Deps, fileName: string, bytes: Uint8Array, options: RefiImportOptions = {}): Promise<RefiImportResult> {
  const p = await readRefiProject(deps, fileName, bytes, options);
  await deps.store.createProject(p.project);
  try {
    // Documents in a commit of their own: the store's segment check measures a document of the same
    // change once per segment (cpLength of the whole text), which is quadratic for big projects.
    // The project is deleted again below if the second commit fails, so the import stays all-or-nothing.
    if (p.documents.length > 0) await deps.store.commit(p.project.id, { restore: true, documents: { put: p.documents } });
    await deps.store.commit(p.project.id, {
      restore: true,
      codes: { put: p.codes },
      segments: { put: p.segments },
      memos: { put: p.memos },
      sets: { put: p.sets },
    });
  } catch (e) {
    await deps.store.deleteProject(p.project.id);
    throw e;
  }
  for (const u of p.newUsers) await deps.store.putUser(u);
  return {
    projectId: p.project.id,
    counts: { users: p.newUsers.length + p.usersMapped, codes: p.codes.length, documents: p.documents.length, segments: p.segments.length, memos: p.memos.length, sets: p.sets.length },
    warnings: p.warnings,
  };
}

/**
 * Import a REFI-QDA codebook (.qdc) into a project's code tree, below the existing top-level
 * codes. A code whose name already exists at the same place is reused (a re-import adds nothing).
 */
export async function importQdc(deps: Deps, projectId: string, bytes: Uint8Array, fileName = 'codebook.qdc'): Promise<QdcImportResult> {
  if (bytes.length > REFI_LIMITS.maxEntryBytes) throw new InvalidInput(`${fileName}: larger than ${REFI_LIMITS.maxEntryBytes} bytes`);
  const root = parseRefiXml(decodeUtf8(fileName, bytes), 'CodeBook', fileName);
  if (!(await deps.store.getProject(projectId))) throw new NotFound(`project ${projectId} not found`);
  const existing = await deps.store.listCodes(projectId);
  const w = new Warnings();
  const now = deps.now();
  const created: Code[] = [];
  let skipped = 0;
  const seen = new Set<string>();
  const walk = (nodes: XNode[], parentId: string | null, path: string): void => {
    const siblings = [...existing, ...created].filter((c) => c.parentId === parentId);
    let order = siblings.length;
    nodes.forEach((c, i) => {
      const here = `${path}/Code[${i + 1}]`;
      const guid = guidAttr(c, 'guid', here);
      if (seen.has(guid)) throw new InvalidInput(`${here}: the GUID ${guid} is used by two codes`);
      seen.add(guid);
      const name = clampName(attr(c, 'name'), `Code ${i + 1}`);
      const known = siblings.find((s) => s.name.toLowerCase() === name.toLowerCase());
      let id: string;
      if (known) {
        skipped++;
        id = known.id;
      } else {
        id = deps.newId();
        created.push({
          id,
          parentId,
          name,
          colour: colourOf(attr(c, 'color'), existing.length + created.length),
          isCodable: boolOf(attr(c, 'isCodable'), true),
          order: order++,
          definition: descriptionToDefinition(text(c, 'Description') ?? ''),
          created: now,
          modified: now,
          version: 1,
        });
      }
      walk(kids(c, 'Code'), id, here);
    });
  };
  walk(kids(child(root, 'Codes'), 'Code'), null, 'CodeBook/Codes');
  for (const s of kids(child(root, 'Sets'), 'Set')) w.add(`Set "${attr(s, 'name') ?? ''}"`, 'code sets are not carried over');
  for (const c of created) {
    const r = CodeSchema.safeParse(c);
    if (!r.success) throw new InvalidInput(`Code "${c.name}": ${r.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (created.length > 0) await deps.store.commit(projectId, { codes: { put: created } });
  return { created: created.length, skipped, warnings: w.done() };
}
