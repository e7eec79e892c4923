import { addDocuments } from '../../../server/domain/corpus.js';
import { testStore } from '../helpers.js';
import { createCode } from '../../../server/domain/codebook.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { createProject } from '../../../server/domain/projects.js';
import type { Document } from '../../../server/schemas/document.js';

export const OBSERVATION = [
  'Die Fachkraft begrüßt Frau K. herzlich. Sie bietet Kaffee an.',
  '',
  'Dann beginnt die Beratung zum Antrag. Der Ärger über das Jugendamt ist groß. Die Übergabe an die Kollegin klappt.',
  '',
  'Im Gespräch geht es um die Beratungen der letzten Monate 😀 und um die Jugendämter der Region.',
].join('\n');

export const INTERVIEW = [
  'I: Wie dokumentieren Sie das Gespräch?',
  'FK: Ich habe das Gespräch dokumentiert. Die Dokumentation ist kurz. Beraten habe ich lange.',
  'I: Und die Gespräche danach?',
  'FK: Die Gespräche mit dem Jugendamt-Mitarbeiter dokumentiere ich nicht.',
].join('\n');

export const RECORD = 'Beratungsgespräch am 3. März. Ergebnis: Antrag gestellt. Keine weitere Beratung nötig.';

/** The speaker turns of INTERVIEW (code points = UTF-16 units here: no astral characters). */
export function turnsOf(text: string): Document['turns'] {
  const turns: Document['turns'] = [];
  let at = 0;
  for (const line of text.split('\n')) {
    const m = /^(\w+): /.exec(line);
    if (m) turns.push({ speaker: m[1] as string, start: at, end: at + line.length, textStart: at + m[0].length });
    at += line.length + 1;
  }
  return turns;
}

export interface SearchFixture {
  deps: Deps;
  projectId: string;
  obs: Document;
  interview: Document;
  record: Document;
  codes: { topic: string; atmosphere: string; folder: string };
}

export async function searchFixture(): Promise<SearchFixture> {
  let n = 0;
  const deps = makeDeps(await testStore(), { newId: () => `id-${++n}`, now: () => '2026-01-01T00:00:00.000Z' });
  const project = await createProject(deps, { name: 'Suche' });
  const [obs, interview, record] = await addDocuments(deps, project.id, [
    { id: 'obs', title: 'Beobachtung 1', kind: 'observation', text: OBSERVATION, attributes: { region: { type: 'text', value: 'Region 1' } } },
    { id: 'int', title: 'Interview 1', kind: 'interview', text: INTERVIEW, turns: turnsOf(INTERVIEW), attributes: { region: { type: 'text', value: 'Region 2' } } },
    { id: 'rec', title: 'Dokumentation 1', kind: 'documentation', text: RECORD, attributes: { region: { type: 'text', value: 'Region 1' } } },
  ]);
  const folder = await createCode(deps, project.id, { name: 'Ordner', isCodable: false });
  const topic = await createCode(deps, project.id, { name: 'Thema', parentId: folder.id });
  const atmosphere = await createCode(deps, project.id, { name: 'Atmosphäre' });
  return { deps, projectId: project.id, obs: obs as Document, interview: interview as Document, record: record as Document, codes: { topic: topic.id, atmosphere: atmosphere.id, folder: folder.id } };
}

/** Code-point offsets of the n-th occurrence of `quote` (1-based). */
export function rangeOf(text: string, quote: string, occurrence = 1): { start: number; end: number } {
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(quote, at + 1);
    if (at < 0) throw new Error(`"${quote}" not found`);
  }
  const start = [...text.slice(0, at)].length;
  return { start, end: start + [...quote].length };
}
