import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createDemoProject } from '../../../server/demo.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { exportProject } from '../../../server/domain/projects.js';
import { CodePointIndex } from '../../../server/domain/text.js';
import { exportQdc, exportQdpx } from '../../../server/export/refi-export.js';
import { importQdc, importQdpx } from '../../../server/import/refi-import.js';
import { definitionToDescription, descriptionToDefinition, guidFor, normaliseGuid } from '../../../server/import/refi-model.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { buildRichProject, CODEBOOK_XSD, PROJECT_XSD, xmllint } from './fixture.js';
import { snapshot } from './snapshot.js';

async function rich(): Promise<{ deps: Deps; projectId: string }> {
  const deps = makeDeps(new MemoryStore());
  const { projectId } = await buildRichProject(deps);
  return { deps, projectId };
}

const qdeOf = (zip: Uint8Array): string => new TextDecoder().decode(unzipSync(zip)['project.qde']);

describe('REFI-QDA export validates against the real schemas (xmllint)', () => {
  it('the demo project: project.qde from the zip against Project.xsd, the codebook against Codebook.xsd', async () => {
    const deps = makeDeps(new MemoryStore());
    const { project } = await createDemoProject(deps);
    const data = await exportProject(deps, project.id);
    const out = exportQdpx(data);
    expect(qdeOf(out.zip)).toBe(out.qde);
    const v = xmllint(out.qde, PROJECT_XSD);
    expect(v.out).toContain('validates');
    expect(v.status).toBe(0);
    const crlf = xmllint(exportQdpx(data, { lineEndings: 'crlf' }).qde, PROJECT_XSD);
    expect(crlf.status).toBe(0);
    const qdc = exportQdc(project.id, data.codes);
    const c = xmllint(qdc.xml, CODEBOOK_XSD);
    expect(c.out).toContain('validates');
    expect(c.status).toBe(0);
    // Every text travels as sources/<guid>.txt, referenced as internal://<guid>.txt.
    const files = unzipSync(out.zip);
    for (const d of data.documents) {
      const guid = guidFor(project.id, 'document', d.id);
      expect(new TextDecoder().decode(files[`sources/${guid}.txt`])).toBe(d.text);
      expect(out.qde).toContain(`plainTextPath="internal://${guid}.txt"`);
    }
  });

  it('the rich fixture (escaping, typed variables, notes, sets) validates too, and xmllint does reject a broken file', async () => {
    const { deps, projectId } = await rich();
    const out = exportQdpx(await exportProject(deps, projectId));
    expect(xmllint(out.qde, PROJECT_XSD).status).toBe(0);
    expect(out.qde).toContain('name="Rund &amp; &quot;Reise&quot; &lt;1&gt;"');
    expect(out.qde).toMatch(/<Variable guid="[^"]+" name="kind" typeOfVariable="Text"\/>/);
    expect(out.qde).toMatch(/name="dauer" typeOfVariable="Integer"/);
    expect(out.qde).toMatch(/name="anteil" typeOfVariable="Float"/);
    expect(out.qde).toMatch(/name="datum" typeOfVariable="Date"/);
    expect(out.qde).toMatch(/name="erstgespraech" typeOfVariable="Boolean"/);
    // The check has teeth: a Code without isCodable is invalid.
    expect(xmllint(out.qde.replace(/ isCodable="(true|false)"/, ''), PROJECT_XSD).status).not.toBe(0);
  });
});

describe('round trip Sichtbar → QDPX → Sichtbar', () => {
  it('keeps documents, code tree with definitions, segments with coders and memos, memos, typed attributes, kind and sets', async () => {
    const { deps, projectId } = await rich();
    const before = await snapshot(deps, projectId);
    const out = exportQdpx(await exportProject(deps, projectId));
    const r = await importQdpx(deps, 'rich.qdpx', out.zip);
    expect(r.projectId).not.toBe(projectId);
    expect(r.counts).toEqual({ users: 2, codes: 4, documents: 3, segments: 5, memos: 4, sets: 2 });
    const after = await snapshot(deps, r.projectId);
    // A filter set travels as its members (with a warning); everything else is identical.
    expect(after).toEqual(before);
    expect(out.warnings).toContainEqual({ element: 'Set "Region 2"', message: expect.stringContaining('filter') });
    const imported = await deps.store.listSets(r.projectId);
    expect(imported.every((s) => s.definition.type === 'members')).toBe(true);
    // The kind is a real kind again, not an attribute, so `kind=observation` filters work.
    const docs = await deps.store.listDocuments(r.projectId);
    expect(docs.find((d) => d.title === 'Beobachtung 1')?.kind).toBe('observation');
    expect(docs.every((d) => !('kind' in d.attributes))).toBe(true);
  });

  it('a second round trip (import → export → import) is stable', async () => {
    const { deps, projectId } = await rich();
    const first = await importQdpx(deps, 'a.qdpx', exportQdpx(await exportProject(deps, projectId)).zip);
    const second = await importQdpx(deps, 'b.qdpx', exportQdpx(await exportProject(deps, first.projectId)).zip);
    expect(await snapshot(deps, second.projectId)).toEqual(await snapshot(deps, first.projectId));
  });

  it('offsets are code points: the coded text around emoji and a combining mark is the same after import', async () => {
    const { deps, projectId } = await rich();
    const data = await exportProject(deps, projectId);
    const out = exportQdpx(data);
    const doc = data.documents.find((d) => d.title === 'Beobachtung 1')!;
    const idx = new CodePointIndex(doc.text);
    const seg = data.segments.find((s) => s.documentId === doc.id && s.start === 8)!;
    expect(idx.slice(seg.start, seg.end)).toBe('lacht 😀😀');
    // In the file: startPosition/endPosition are the same code points (not UTF-16 units).
    expect(out.qde).toContain(`startPosition="8" endPosition="16"`);
    expect(doc.text.indexOf('q\u0307')).toBeGreaterThan(0);
    const r = await importQdpx(deps, 'x.qdpx', out.zip);
    const d2 = (await deps.store.listDocuments(r.projectId)).find((d) => d.title === 'Beobachtung 1')!;
    const full = (await deps.store.getDocument(r.projectId, d2.id))!;
    const idx2 = new CodePointIndex(full.text);
    const texts = (await deps.store.listSegments(r.projectId, { documentIds: [d2.id] })).map((s) => idx2.slice(s.start, s.end)).sort();
    const expected = data.segments.filter((s) => s.documentId === doc.id).map((s) => idx.slice(s.start, s.end)).sort();
    expect(texts).toEqual(expected);
    expect(texts.some((t) => t.includes('q\u0307') && t.includes('👍🏽'))).toBe(true);
  });

  it('CRLF mode writes CRLF texts and shifts offsets by the LFs before them, exactly', async () => {
    const { deps, projectId } = await rich();
    const data = await exportProject(deps, projectId);
    const out = exportQdpx(data, { lineEndings: 'crlf' });
    const files = unzipSync(out.zip);
    let checked = 0;
    for (const d of data.documents) {
      const guid = guidFor(projectId, 'document', d.id);
      const written = new TextDecoder().decode(files[`sources/${guid}.txt`]);
      const crlf = d.text.replace(/\n/g, '\r\n');
      expect(written).toBe(crlf);
      const lf = new CodePointIndex(d.text);
      const cr = new CodePointIndex(crlf);
      for (const s of data.segments.filter((x) => x.documentId === d.id)) {
        const m = new RegExp(`<PlainTextSelection guid="${guidFor(projectId, 'segment', s.id)}"[^>]*startPosition="(\\d+)" endPosition="(\\d+)"`).exec(out.qde);
        expect(m).not.toBeNull();
        const [start, end] = [Number(m![1]), Number(m![2])];
        expect(cr.slice(start, end)).toBe(lf.slice(s.start, s.end).replace(/\n/g, '\r\n'));
        checked++;
      }
    }
    expect(checked).toBe(data.segments.length);
    // And the import maps CRLF offsets back onto the LF text.
    const r = await importQdpx(deps, 'crlf.qdpx', out.zip);
    expect(await snapshot(deps, r.projectId)).toEqual(await snapshot(deps, (await importQdpx(deps, 'lf.qdpx', exportQdpx(data).zip)).projectId));
  });

  it('GUIDs are stable: two exports differ only in the modified date; with the same date the zips are identical', async () => {
    const { deps, projectId } = await rich();
    const data = await exportProject(deps, projectId);
    const a = exportQdpx(data, { now: '2026-01-01T00:00:00.000Z' });
    const b = exportQdpx(await exportProject(deps, projectId), { now: '2026-02-02T00:00:00.000Z' });
    expect(a.qde).not.toBe(b.qde);
    const strip = (s: string): string => s.replace(/ modifiedDateTime="2026-0[12]-0[12]T00:00:00.000Z"/, '');
    expect(strip(a.qde)).toBe(strip(b.qde));
    expect(exportQdpx(data, { now: '2026-01-01T00:00:00.000Z' }).zip).toEqual(a.zip);
    // Our UUIDs are the GUIDs; other ids get a name-based UUID.
    expect(guidFor('p', 'code', 'C0DE0000-0000-4000-8000-000000000000')).toBe('c0de0000-0000-4000-8000-000000000000');
    expect(guidFor('p', 'code', 'x1')).toBe(guidFor('p', 'code', 'x1'));
    expect(guidFor('p', 'code', 'x1')).not.toBe(guidFor('q', 'code', 'x1'));
    expect(guidFor('p', 'code', 'x1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(normaliseGuid('{ABCDEF01-2345-6789-ABCD-EF0123456789}')).toBe('abcdef01-2345-6789-abcd-ef0123456789');
  });

  it('warns about what REFI-QDA cannot carry: speaker turns, filter sets, anchor links, crosswalk', async () => {
    const { deps, projectId } = await rich();
    const codes = await deps.store.listCodes(projectId);
    const segs = await deps.store.listSegments(projectId);
    const atmo = codes.find((c) => c.name === 'Atmosphäre')!;
    await deps.store.commit(projectId, { codes: { put: [{ ...atmo, definition: { ...atmo.definition, anchors: [{ text: 'x', segmentId: segs[0]!.id }] }, version: atmo.version + 1 }] } });
    const out = exportQdpx(await exportProject(deps, projectId));
    const msgs = out.warnings.map((w) => `${w.element}: ${w.message}`);
    expect(msgs).toContain('TextSource "Interview 1": speaker turns travel only as text (labels and timestamps stay in the text)');
    expect(msgs).toContain('Code "Atmosphäre": anchor examples are written as text; their links to coded segments are lost');
    expect(msgs.some((m) => m.startsWith('Set "Region 2": a filter set'))).toBe(true);
    expect(exportQdc(projectId, await deps.store.listCodes(projectId)).warnings).toHaveLength(1);
  });
});

describe('the definition as Description text', () => {
  it('is readable with headed sections and comes back into the structured fields', () => {
    const d = { description: 'Was es ist.', inclusion: 'a\nb', exclusion: 'nicht c', anchors: [{ text: 'eins' }, { text: 'zwei\n\ndrei' }], rules: 'r' };
    const text = definitionToDescription(d);
    expect(text).toContain('## Inclusion criteria');
    expect(text).toContain('> eins');
    expect(descriptionToDefinition(text)).toEqual(d);
    // A foreign description without our headings is the description.
    expect(descriptionToDefinition('Anything about health')).toEqual({ description: 'Anything about health', inclusion: '', exclusion: '', anchors: [], rules: '' });
  });
});

describe('codebook (.qdc) import', () => {
  it('adds the tree to a project once; a second import reuses the codes', async () => {
    const { deps, projectId } = await rich();
    const xml = exportQdc(projectId, await deps.store.listCodes(projectId)).xml;
    const target = await createDemoProjectLite(deps);
    const r = await importQdc(deps, target, new TextEncoder().encode(xml));
    expect(r).toEqual({ created: 4, skipped: 0, warnings: [] });
    const again = await importQdc(deps, target, new TextEncoder().encode(xml));
    expect(again).toEqual({ created: 0, skipped: 4, warnings: [] });
    const codes = await deps.store.listCodes(target);
    const atmo = codes.find((c) => c.name === 'Atmosphäre')!;
    expect(atmo.definition.inclusion).toBe('Gesten, Angebote');
    expect(codes.find((c) => c.id === atmo.parentId)?.isCodable).toBe(false);
  });
});

async function createDemoProjectLite(deps: Deps): Promise<string> {
  const p = { id: deps.newId(), name: 'Leer', description: '', language: 'de', created: deps.now(), crosswalk: [], version: 1 };
  await deps.store.createProject(p);
  return p.id;
}

// Keep zipSync referenced for fixtures built in other files of this folder.
void zipSync;
