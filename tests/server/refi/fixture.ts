import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { createCode } from '../../../server/domain/codebook.js';
import { applyCode, updateSegment } from '../../../server/domain/coding.js';
import { addDocuments, createSet } from '../../../server/domain/corpus.js';
import type { Deps } from '../../../server/domain/deps.js';
import { createMemo } from '../../../server/domain/memos.js';
import { createProject } from '../../../server/domain/projects.js';
import { createUser } from '../../../server/domain/users.js';
import { parseTurns } from '../../../server/import/transcript.js';

export const REFI = fileURLToPath(new URL('../../fixtures/refi/', import.meta.url));
export const PROJECT_XSD = join(REFI, 'schemas/Project.xsd');
export const CODEBOOK_XSD = join(REFI, 'schemas/Codebook.xsd');

/** Validate XML text against an XSD with xmllint; returns exit status and messages. */
export function xmllint(xml: string, xsd: string): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sichtbar-refi-'));
  const file = join(dir, 'file.xml');
  writeFileSync(file, xml);
  try {
    const r = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The hand-authored sample folder zipped as a .qdpx. */
export function handAuthoredQdpx(): Uint8Array {
  const dir = join(REFI, 'samples/qdpx-toolkit-hand-authored');
  const files: Record<string, Uint8Array> = { 'project.qde': readFileSync(join(dir, 'project.qde')) };
  for (const s of readdirSync(join(dir, 'sources'))) files[`sources/${s}`] = readFileSync(join(dir, 'sources', s));
  return zipSync(files);
}

const INTERVIEW = 'I: Wie dokumentieren Sie?\nFK: Also, ähm, ich schreibe das Ergebnis auf.\nI: Und sonst?\nFK: Nichts.';

const RECORD = 'Anliegen: Wohnung\nErgebnis: Antrag gestellt';

export const EMOJI_TEXT = 'Frau K. lacht 😀😀 und sagt: „Kaffee?“\nDie Fachkraft nickt q\u0307 und notiert 👍🏽 alles.\n\nFK: Das war gut.\nK: Ja.';

/**
 * A project using everything the mapping carries: two coders, a three-level tree with a folder and
 * a full definition, typed attributes, kinds, emoji and a combining mark, segment memos, memos on
 * every target, a member set and a filter set. Speaker turns as `importFile` finds them (the REFI
 * import finds them the same way, from the text).
 */
export async function buildRichProject(deps: Deps): Promise<{ projectId: string }> {
  const alice = await createUser(deps, { login: 'alice', displayName: 'Alice A.', role: 'researcher', password: 'alice-password-1' });
  const bob = await createUser(deps, { login: 'bob', displayName: 'Bob B.', role: 'researcher', password: 'bob-password-1' });
  const A = { userId: alice.id, role: 'researcher' as const };
  const B = { userId: bob.id, role: 'researcher' as const };
  const project = await createProject(deps, { name: 'Rund & "Reise" <1>', description: 'Ein Projekt für den Rundweg.' });
  const [d1, d2, d3] = await addDocuments(deps, project.id, [
    {
      title: 'Beobachtung 1',
      kind: 'observation',
      text: EMOJI_TEXT,
      turns: parseTurns(EMOJI_TEXT),
      attributes: {
        region: { type: 'text', value: 'Region 1' },
        dauer: { type: 'number', value: 45 },
        anteil: { type: 'number', value: 0.25 },
        datum: { type: 'date', value: '2023-05-04' },
        erstgespraech: { type: 'boolean', value: true },
      },
    },
    { title: 'Interview 1', kind: 'interview', text: INTERVIEW, turns: parseTurns(INTERVIEW), attributes: { region: { type: 'text', value: 'Region 2' }, dauer: { type: 'number', value: 60 } } },
    { title: 'Dokumentation 1', kind: 'documentation', text: RECORD, turns: parseTurns(RECORD), attributes: {} },
  ]);
  const folder = await createCode(deps, project.id, { name: 'Beratung', isCodable: false, colour: '#123456' });
  const atmo = await createCode(deps, project.id, {
    name: 'Atmosphäre',
    parentId: folder.id,
    colour: '#abcdef',
    definition: {
      description: 'Wie die Stimmung entsteht.\n\nZweiter Absatz.',
      inclusion: 'Gesten, Angebote',
      exclusion: 'Inhalte des Anliegens',
      anchors: [{ text: 'bietet Kaffee an' }, { text: 'Zeile eins\nZeile zwei' }],
      rules: 'Im Zweifel kodieren.',
    },
  });
  const greet = await createCode(deps, project.id, { name: 'Begrüßen', parentId: atmo.id, colour: '#00ff00' });
  const result = await createCode(deps, project.id, { name: 'Ergebnis', colour: '#ff0000' });
  // Segments: around emoji and the combining mark (code points), by two coders.
  const s1 = await applyCode(deps, project.id, A, { documentId: d1!.id, codeId: greet.id, start: 8, end: 16 });
  await updateSegment(deps, project.id, A, s1.id, { memo: 'lacht zweimal', version: s1.version });
  await applyCode(deps, project.id, B, { documentId: d1!.id, codeId: atmo.id, start: 14, end: 60 });
  await applyCode(deps, project.id, A, { documentId: d1!.id, codeId: result.id, start: 38, end: 80 });
  await applyCode(deps, project.id, B, { documentId: d2!.id, codeId: result.id, start: 27, end: 70 });
  await applyCode(deps, project.id, A, { documentId: d3!.id, codeId: result.id, start: 18, end: 43 });
  await createMemo(deps, project.id, A, { target: { type: 'project' }, title: 'Projektmemo', text: 'Über *alles*.' });
  await createMemo(deps, project.id, B, { target: { type: 'document', id: d2!.id }, title: 'Zum Interview', text: 'Kurz & knapp <gut> &#65; &amp;\r\nTab\tEnde.' });
  await createMemo(deps, project.id, A, { target: { type: 'code', id: atmo.id }, title: 'Zum Code', text: 'Abgrenzen!' });
  await createMemo(deps, project.id, A, { target: { type: 'segment', id: s1.id }, title: 'Zum Segment', text: 'Zeile 1\nZeile 2' });
  await createSet(deps, project.id, { name: 'Beobachtungen+', definition: { type: 'members', documentIds: [d1!.id, d3!.id] } });
  await createSet(deps, project.id, { name: 'Region 2', definition: { type: 'filter', filter: { attributes: [{ name: 'region', anyOf: ['Region 2'] }] } } });
  return { projectId: project.id };
}
