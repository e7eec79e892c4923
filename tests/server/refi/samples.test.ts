import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { exportProject } from '../../../server/domain/projects.js';
import { CodePointIndex } from '../../../server/domain/text.js';
import { exportQdpx } from '../../../server/export/refi-export.js';
import { importQdpx } from '../../../server/import/refi-import.js';
import { safeUnzip } from '../../../server/import/refi-model.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { handAuthoredQdpx, PROJECT_XSD, REFI, xmllint } from './fixture.js';
import { snapshot } from './snapshot.js';

const atlas = (name: string): Uint8Array => new Uint8Array(readFileSync(join(REFI, 'samples/ponte-atlasti', `${name}.qdpx`)));

async function fresh(): Promise<Deps> {
  return makeDeps(new MemoryStore());
}

describe('the real samples import', () => {
  it('ATLAS.ti 23, blank project: the two users, nothing else, no warnings', async () => {
    const deps = await fresh();
    const r = await importQdpx(deps, 'blank-atlas-project.qdpx', atlas('blank-atlas-project'));
    expect(r.counts).toEqual({ users: 2, codes: 0, documents: 0, segments: 0, memos: 0, sets: 0 });
    expect(r.warnings).toEqual([]);
    expect((await deps.store.getProject(r.projectId))?.name).toBe('blank-atlas-project');
    expect((await deps.store.listUsers()).map((u) => u.displayName).sort()).toEqual(['ATLAS.ti', 'Enric Llagostera']);
  });

  it('ATLAS.ti 23, target project: the two-level code tree (upper-case GUIDs), users matched on a second import', async () => {
    const deps = await fresh();
    const r = await importQdpx(deps, 'target-atlas-project.qdpx', atlas('target-atlas-project'));
    expect(r.counts).toEqual({ users: 2, codes: 3, documents: 0, segments: 0, memos: 0, sets: 0 });
    const codes = await deps.store.listCodes(r.projectId);
    const top = codes.find((c) => c.parentId === null)!;
    expect(top.name).toBe('Commits');
    expect(codes.filter((c) => c.parentId === top.id).map((c) => c.name).sort()).toEqual(['2022-02-11T10:39:25Z cdbfd92', '2022-05-10T02:05:59Z 19e4dce']);
    const users = (await deps.store.listUsers()).length;
    await importQdpx(deps, 'target-atlas-project.qdpx', atlas('target-atlas-project'));
    expect((await deps.store.listUsers()).length).toBe(users);
  });

  it('the hand-authored project using every element: text, codes, case variables, note, set; media, links and graphs skipped with warnings', async () => {
    const deps = await fresh();
    const r = await importQdpx(deps, 'hand.qdpx', handAuthoredQdpx());
    expect(r.counts).toEqual({ users: 1, codes: 4, documents: 1, segments: 2, memos: 1, sets: 1 });
    const elements = r.warnings.map((w) => w.element);
    expect(elements).toEqual(['PictureSource "photo.jpg"', 'PDFSource "doc.pdf"', 'AudioSource "interview.m4a"', 'VideoSource "clip.mp4"', 'Case "Participant 1"', 'Case "Participant 1"', 'Set "Diet-related"', 'Link "Memo-Selection Relation"', 'Graph "Model"']);
    const [meta] = await deps.store.listDocuments(r.projectId);
    const doc = (await deps.store.getDocument(r.projectId, meta!.id))!;
    expect(doc.text).toBe('Diet and health are closely linked in this interview.');
    expect(doc.attributes).toEqual({ Age: { type: 'number', value: 34 }, Consented: { type: 'boolean', value: true } });
    const codes = await deps.store.listCodes(r.projectId);
    const byName = new Map(codes.map((c) => [c.name, c]));
    expect(byName.get('Topics')?.isCodable).toBe(false);
    expect(byName.get('Diet')?.colour).toBe('#dc0000');
    expect(byName.get('Health')?.definition.description).toBe('Anything about physical or mental health');
    const idx = new CodePointIndex(doc.text);
    const segs = await deps.store.listSegments(r.projectId);
    expect(segs.map((s) => `${codes.find((c) => c.id === s.codeId)?.name}:${idx.slice(s.start, s.end)}`).sort()).toEqual(['Diet:health are clo', 'Health:Diet and health']);
    const [memo] = await deps.store.listMemos(r.projectId);
    expect(memo).toEqual(expect.objectContaining({ target: { type: 'project' }, title: 'Research memo', text: 'Remember to follow up on diet-related comments.' }));
  });

  it('sample → Sichtbar → QDPX (valid) → Sichtbar is stable', async () => {
    const deps = await fresh();
    const first = await importQdpx(deps, 'hand.qdpx', handAuthoredQdpx());
    const out = exportQdpx(await exportProject(deps, first.projectId));
    expect(xmllint(out.qde, PROJECT_XSD).status).toBe(0);
    const second = await importQdpx(deps, 'again.qdpx', out.zip);
    expect(second.warnings).toEqual([]);
    expect(await snapshot(deps, second.projectId)).toEqual(await snapshot(deps, first.projectId));
  });
});

const G = (n: number): string => `{${n.toString(16).padStart(8, '0').toUpperCase()}-AAAA-4AAA-8AAA-AAAAAAAAAAAA}`;

/** One hand-made project with every vendor quirk. */
function quirksQdpx(): Uint8Array {
  const qde = `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Quirks">
  <Users><User guid="${G(1)}" name="Maxi"/></Users>
  <CodeBook><Codes><Code guid="${G(2)}" name="Thema" isCodable="true" color="#0F0"/></Codes></CodeBook>
  <Variables>
    <Variable guid="${G(3)}" name="Alter" typeOfVariable="Integer"/>
    <Variable guid="${G(4)}" name="kind" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="${G(5)}">
      <VariableValue><VariableRef targetGUID="${G(3)}"/><IntegerValue>41</IntegerValue></VariableValue>
      <VariableValue><VariableRef targetGUID="${G(4)}"/><TextValue>interview</TextValue></VariableValue>
      <SourceRef targetGUID="${G(10)}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="${G(10)}" name="Gespräch" plainTextPath="internal://${G(10)}.txt">
      <PlainTextSelection guid="${G(20)}" startPosition="0" endPosition="0">
        <Coding guid="${G(21)}" creatingUser="${G(1)}"><CodeRef targetGUID="${G(2)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="${G(22)}" name="Kommentar" startPosition="9" endPosition="14">
        <Description>Wichtig!</Description>
      </PlainTextSelection>
      <PlainTextSelection guid="${G(23)}" startPosition="9" endPosition="14">
        <Coding guid="${G(24)}" creatingUser="${G(1)}"><CodeRef targetGUID="${G(2)}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="${G(11)}" name="Gespräch"><PlainTextContent>Zweiter Text</PlainTextContent></TextSource>
    <TextSource guid="${G(12)}" name="Extern" plainTextPath="relative:///texte/extern.txt"/>
  </Sources>
</Project>`;
  // BOM and CRLF: "Zeile 1\r\nZeile 2" – position 9–14 (CRLF counted) is "Zeile" of line 2.
  const text = new Uint8Array([0xef, 0xbb, 0xbf, ...strToU8('Zeile 1\r\nZeile 2 😀')]);
  return zipSync({ 'Quirks.qde': strToU8(qde), [`sources/${G(10)}.txt`]: text });
}

describe('vendor quirks', () => {
  it('inner .qde named after the project, braces GUIDs, zero-length selection, comment selection, nameless case, same names, BOM and CRLF', async () => {
    const deps = await fresh();
    const r = await importQdpx(deps, 'quirks.qdpx', quirksQdpx());
    expect(r.counts).toEqual({ users: 1, codes: 1, documents: 2, segments: 1, memos: 1, sets: 0 });
    expect(r.warnings.map((w) => w.message)).toEqual([
      'a zero-length selection; skipped',
      'several sources are called "Gespräch"; this one is called "Gespräch (2)"',
      'its text (relative:///texte/extern.txt) is not in the archive and there is no PlainTextContent; skipped with its codings',
    ]);
    const docs = await deps.store.listDocuments(r.projectId);
    const first = docs.find((d) => d.title === 'Gespräch')!;
    expect(docs.map((d) => d.title).sort()).toEqual(['Gespräch', 'Gespräch (2)']);
    // The nameless case's variables are the document's; `kind` is its kind.
    expect(first.kind).toBe('interview');
    expect(first.attributes).toEqual({ Alter: { type: 'number', value: 41 } });
    const doc = (await deps.store.getDocument(r.projectId, first.id))!;
    expect(doc.text).toBe('Zeile 1\nZeile 2 😀');
    const [seg] = await deps.store.listSegments(r.projectId);
    expect(new CodePointIndex(doc.text).slice(seg!.start, seg!.end)).toBe('Zeile');
    expect(seg!.start).toBe(8);
    expect((await deps.store.listCodes(r.projectId))[0]?.colour).toBe('#00ff00');
    // MAXQDA's comment: a selection with a Description and no Coding becomes a memo on the document.
    const [memo] = await deps.store.listMemos(r.projectId);
    expect(memo).toEqual(expect.objectContaining({ target: { type: 'document', id: first.id }, title: 'Kommentar' }));
    expect(memo!.text).toContain('Wichtig!');
    expect(memo!.text).toContain('> Zeile');
  });
});

describe('more elements', () => {
  it('source descriptions, notes on codings, notes referenced twice, DateTime values, unknown kinds, unknown codes', async () => {
    const qde = `<Project xmlns="urn:QDA-XML:project:1.0" name="Mehr">
  <Users><User guid="${G(1)}" name="U"/></Users>
  <CodeBook><Codes><Code guid="${G(2)}" name="C" isCodable="true"/></Codes></CodeBook>
  <Variables><Variable guid="${G(3)}" name="Zeit" typeOfVariable="DateTime"/><Variable guid="${G(4)}" name="kind" typeOfVariable="Text"/></Variables>
  <Sources>
    <TextSource guid="${G(10)}" name="T">
      <Description>Über die Quelle</Description>
      <PlainTextContent>abc def</PlainTextContent>
      <PlainTextSelection guid="${G(20)}" startPosition="0" endPosition="3">
        <Coding guid="${G(21)}" creatingUser="${G(1)}"><CodeRef targetGUID="${G(2)}"/><NoteRef targetGUID="${G(30)}"/></Coding>
        <Coding guid="${G(22)}" creatingUser="${G(9)}"><CodeRef targetGUID="${G(8)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="${G(23)}" startPosition="4" endPosition="99"><Coding guid="${G(24)}"><CodeRef targetGUID="${G(2)}"/></Coding></PlainTextSelection>
      <NoteRef targetGUID="${G(30)}"/>
      <VariableValue><VariableRef targetGUID="${G(3)}"/><DateTimeValue>2024-01-01T10:00:00Z</DateTimeValue></VariableValue>
      <VariableValue><VariableRef targetGUID="${G(4)}"/><TextValue>Feldnotiz</TextValue></VariableValue>
    </TextSource>
  </Sources>
  <Notes><Note guid="${G(30)}" name="N" creatingUser="${G(1)}"><PlainTextContent>Notiz</PlainTextContent></Note></Notes>
</Project>`;
    const deps = await fresh();
    const r = await importQdpx(deps, 'mehr.qde', strToU8(qde));
    expect(r.counts).toEqual({ users: 1, codes: 1, documents: 1, segments: 1, memos: 2, sets: 0 });
    expect(r.warnings.map((w) => w.message)).toEqual([
      'variable "Zeit": a DateTime value is kept as text (Sichtbar has dates without time)',
      expect.stringContaining('names no code of the codebook'),
      'positions 4–99 lie outside the text (7 code points); skipped',
      'referenced more than once; attached to its first target only',
      'the variable "kind" has the unknown value "Feldnotiz"; kept as an attribute, kind "other"',
    ]);
    const [doc] = await deps.store.listDocuments(r.projectId);
    expect(doc!.kind).toBe('other');
    expect(doc!.attributes).toEqual({ Zeit: { type: 'text', value: '2024-01-01T10:00:00Z' }, kind: { type: 'text', value: 'Feldnotiz' } });
    const [seg] = await deps.store.listSegments(r.projectId);
    const memos = await deps.store.listMemos(r.projectId);
    expect(memos.map((m) => [m.target.type, m.title, m.text]).sort()).toEqual([
      ['document', 'Beschreibung', 'Über die Quelle'],
      ['segment', 'N', 'Notiz'],
    ]);
    expect(memos.find((m) => m.target.type === 'segment')?.target).toEqual({ type: 'segment', id: seg!.id });
  });
});

describe('source texts that are not NFC', () => {
  it('decomposed accents (and CRLF) are composed, and the offsets follow', async () => {
    // "Cafe\u0301" is 5 code points as written, "Café" 4 once composed.
    const raw = 'Cafe\u0301 und e\u0301tait\r\nq\u0307 \u00e9 😀 Ende';
    const cps = Array.from(raw);
    const at = (needle: string): [number, number] => {
      const u = raw.indexOf(needle);
      const start = Array.from(raw.slice(0, u)).length;
      return [start, start + Array.from(needle).length];
    };
    const sels = ['Cafe\u0301', 'e\u0301tait', 'q\u0307', '\u00e9 😀', 'Ende'].map((n) => at(n));
    const qde = `<Project name="NFC"><Users><User guid="${G(1)}" name="U"/></Users><CodeBook><Codes><Code guid="${G(2)}" name="C" isCodable="true"/></Codes></CodeBook><Sources>
      <TextSource guid="${G(3)}" name="T" plainTextPath="internal://t.txt">${sels.map(([s, e], i) => `<PlainTextSelection guid="${G(10 + i)}" startPosition="${s}" endPosition="${e}"><Coding guid="${G(20 + i)}" creatingUser="${G(1)}"><CodeRef targetGUID="${G(2)}"/></Coding></PlainTextSelection>`).join('')}</TextSource>
    </Sources></Project>`;
    const deps = await fresh();
    const r = await importQdpx(deps, 'nfc.qdpx', zipSync({ 'project.qde': strToU8(qde), 'sources/t.txt': strToU8(raw) }));
    expect(r.warnings).toEqual([]);
    const [meta] = await deps.store.listDocuments(r.projectId);
    const doc = (await deps.store.getDocument(r.projectId, meta!.id))!;
    expect(doc.text).toBe('Café und était\nq\u0307 é 😀 Ende');
    const idx = new CodePointIndex(doc.text);
    const texts = (await deps.store.listSegments(r.projectId)).sort((a, b) => a.start - b.start).map((s) => idx.slice(s.start, s.end));
    expect(texts).toEqual(['Café', 'était', 'q\u0307', 'é 😀', 'Ende']);
    expect(cps.length).toBeGreaterThan(Array.from(doc.text).length);
  });
});

describe('broken and hostile files write nothing and say why', () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['not a zip', () => strToU8('hello, this is no archive'), /not a zip archive/],
    ['a zip without .qde', () => zipSync({ 'sources/a.txt': strToU8('x') }), /no \.qde file/],
    ['malformed XML', () => zipSync({ 'project.qde': strToU8('<Project name="x"><Users></Project>') }), /malformed XML at line 1/],
    ['a DTD (XXE / billion laughs)', () => zipSync({ 'project.qde': strToU8('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project name="&x;"/>') }), /DTDs and entity declarations are not allowed/],
    ['the wrong root element', () => zipSync({ 'project.qde': strToU8('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>') }), /root element must be <Project>, found <CodeBook>/],
    [
      'a selection position that is not a number',
      () => zipSync({ 'project.qde': strToU8(`<Project name="x"><Sources><TextSource guid="${G(1)}" name="t"><PlainTextContent>abc</PlainTextContent><PlainTextSelection guid="${G(2)}" startPosition="a" endPosition="2"/></TextSource></Sources></Project>`) }),
      /Project\/Sources\/TextSource\[1\]\/PlainTextSelection\[1\]: startPosition must be a whole number/,
    ],
    ['a code without a GUID', () => zipSync({ 'project.qde': strToU8('<Project name="x"><CodeBook><Codes><Code name="c" isCodable="true"/></Codes></CodeBook></Project>') }), /Project\/CodeBook\/Codes\/Code\[1\]: guid missing or not a GUID/],
    ['a path-traversal entry name', () => zipSync({ 'project.qde': strToU8('<Project name="x"/>'), '../../evil.txt': strToU8('x') }), /unsafe entry name "..\/..\/evil.txt"/],
    ['an absolute entry name', () => zipSync({ 'project.qde': strToU8('<Project name="x"/>'), '/etc/evil': strToU8('x') }), /unsafe entry name/],
    ['an entry declaring a huge size (zip bomb)', () => declareSize(zipSync({ 'project.qde': strToU8('<Project name="x"/>') }), 0x7fff0000), /declares 2147418112 bytes; at most 52428800/],
  ];
  for (const [name, make, message] of cases) {
    it(name, async () => {
      const deps = await fresh();
      await expect(importQdpx(deps, 'bad.qdpx', make())).rejects.toThrow(message);
      expect(await deps.store.listProjects()).toEqual([]);
      expect(await deps.store.listUsers()).toEqual([]);
    });
  }

  it('caps the entry count and the total on declared sizes', () => {
    const many = zipSync(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, strToU8('x')])));
    expect(() => safeUnzip(many, { maxZipBytes: 1e6, maxEntryBytes: 1e6, maxTotalBytes: 1e6, maxEntries: 4 })).toThrow(/more than 4 entries/);
    expect(() => safeUnzip(many, { maxZipBytes: 1e6, maxEntryBytes: 1e6, maxTotalBytes: 3, maxEntries: 100 })).toThrow(/more than 3 bytes uncompressed/);
    expect(() => safeUnzip(many, { maxZipBytes: 10, maxEntryBytes: 1e6, maxTotalBytes: 1e6, maxEntries: 100 })).toThrow(/larger than/);
  });
});

/** Patch the declared uncompressed size of every entry (local and central headers). */
function declareSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const dv = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x04034b50) dv.setUint32(i + 22, size, true);
    if (sig === 0x02014b50) dv.setUint32(i + 24, size, true);
  }
  return out;
}
