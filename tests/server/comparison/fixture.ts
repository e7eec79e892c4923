import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { addDocuments } from '../../../server/domain/corpus.js';
import { createCode } from '../../../server/domain/codebook.js';
import { setCrosswalk } from '../../../server/domain/crosswalk.js';
import { createProject } from '../../../server/domain/projects.js';
import { CodePointIndex } from '../../../server/domain/text.js';
import type { Code } from '../../../server/schemas/code.js';
import type { Document, NewDocument } from '../../../server/schemas/document.js';
import type { Segment } from '../../../server/schemas/segment.js';
import type { Store } from '../../../server/domain/store.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';

export const MARA = 'mara';
export const JONAS = 'jonas';

/** A deterministic id source, so rows and quotes can be compared across runs. */
export function counterIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

export function doc(id: string, kind: NewDocument['kind'], text: string, attributes: Record<string, string> = {}): NewDocument {
  return {
    id,
    title: id,
    kind,
    text,
    attributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { type: 'text' as const, value: v }])),
  };
}

/** Segments placed by quoting the text they cover (the n-th occurrence). */
export class Coder {
  private n = 0;
  readonly segments: Segment[] = [];
  constructor(
    private readonly documents: Map<string, Document>,
    private readonly now = '2026-01-01T00:00:00.000Z',
  ) {}

  code(documentId: string, codeId: string, quote: string, coder = MARA, occurrence = 1): Segment {
    const d = this.documents.get(documentId);
    if (!d) throw new Error(`no document ${documentId}`);
    let at = -1;
    for (let i = 0; i < occurrence; i++) {
      at = d.text.indexOf(quote, at + 1);
      if (at < 0) throw new Error(`"${quote}" not in ${documentId}`);
    }
    const index = new CodePointIndex(d.text);
    const s: Segment = {
      id: `seg-${++this.n}`,
      documentId,
      codeId,
      start: index.toCodePoint(at),
      end: index.toCodePoint(at + quote.length),
      coder,
      memo: '',
      created: this.now,
      modified: this.now,
      version: 1,
    };
    this.segments.push(s);
    return s;
  }
}

export interface Fixture {
  store: Store;
  deps: Deps;
  projectId: string;
  codes: Record<string, Code>;
  crosswalkId: string;
}

/**
 * A small project that exercises every rule:
 *
 *   Beratung (folder)                      Dokumentation (folder)
 *     Atmosphäre (folder)                    Informationen zusammenfassen  ┐ crosswalk row
 *       Begrüßen, Getränke anbieten          Verlauf festhalten            ┘ "Zusammenfassung" (B)
 *     Zusammenfassen  ── crosswalk (A)       Software reflektieren
 *   Selten (top level)
 *
 * Observations o1–o4 (cases C1–C4, o5 uncoded), documentation records d1–d3 (cases C1–C3),
 * interviews i1–i2. Region R1: o1 o2 o3 d1 d2 i1; R2: o4 o5 d3 i2.
 */
export async function buildFixture(): Promise<Fixture> {
  const store = new MemoryStore();
  const deps = makeDeps(store, { newId: counterIds(), now: () => '2026-01-01T00:00:00.000Z' });
  const project = await createProject(deps, { name: 'Vergleich' });
  const pid = project.id;
  await store.putUser({ id: MARA, login: 'mara', displayName: 'Mara L.', role: 'researcher', passwordHash: 'x', created: '2026-01-01T00:00:00.000Z', version: 1 });
  await store.putUser({ id: JONAS, login: 'jonas', displayName: 'Jonas P.', role: 'researcher', passwordHash: 'x', created: '2026-01-01T00:00:00.000Z', version: 1 });
  const docs = await addDocuments(deps, pid, [
    doc('o1', 'observation', 'Die Fachkraft begrüßt Frau K. herzlich an der Tür. Sie bietet einen Kaffee an. Später fasst sie zusammen, worum es geht. Am Ende verabschiedet sie sich.', { region: 'R1', case: 'C1' }),
    doc('o2', 'observation', 'FK-02 begrüßt den Vater freundlich. Dann fasst sie das Anliegen zusammen. Zum Schluss vereinbaren beide einen Termin.', { region: 'R1', case: 'C2' }),
    doc('o3', 'observation', 'Die Fachkraft begrüßt die Familie im Flur. Sie notiert sich Informationen zur Schule.', { region: 'R1', case: 'C3' }),
    doc('o4', 'observation', 'Herr M. wird am Eingang begrüßt. Es gibt Tee und Wasser.', { region: 'R2', case: 'C4' }),
    doc('o5', 'observation', 'Dieses Protokoll ist noch nicht kodiert.', { region: 'R2', case: 'C5' }),
    doc('d1', 'documentation', 'Anlass: Schulverweigerung des Sohnes. Verlauf: KM schildert die Lage. Ergebnis: Kontakt zur Schule wird aufgenommen.', { region: 'R1', case: 'C1' }),
    doc('d2', 'documentation', 'Anlass: Umgangsregelung. Die Software verlangt ein Pflichtfeld, das nicht passt.', { region: 'R1', case: 'C2' }),
    doc('d3', 'documentation', 'Verlauf: Die Familie berichtet von Schulden. Ergebnis: Termin bei der Schuldnerberatung.', { region: 'R2', case: 'C3' }),
    doc('i1', 'interview', 'I: Wie dokumentieren Sie? #00:00:05-0#\nFK: Die Software ist umständlich. #00:00:09-2# Ich schreibe trotzdem alles auf.', { region: 'R1' }),
    doc('i2', 'interview', 'I: Und die Maske?\nFK: In der Software fehlt ein Feld für die Atmosphäre.', { region: 'R2' }),
  ]);
  const byId = new Map(docs.map((d) => [d.id, d]));
  const mk = (name: string, parentId: string | null, isCodable = true): Promise<Code> => createCode(deps, pid, { name, parentId, isCodable });
  const beratung = await mk('Beratung', null, false);
  const atmo = await mk('Atmosphäre', beratung.id, false);
  const greet = await mk('Begrüßen', atmo.id);
  const drinks = await mk('Getränke anbieten', atmo.id);
  const summary = await mk('Zusammenfassen', beratung.id);
  const dokumentation = await mk('Dokumentation', null, false);
  const info = await mk('Informationen zusammenfassen', dokumentation.id);
  const course = await mk('Verlauf festhalten', dokumentation.id);
  const software = await mk('Software reflektieren', dokumentation.id);
  const rare = await mk('Selten', null);

  const c = new Coder(byId);
  // Atmosphere: in o1–o4 (greeting), drinks in o1 and o4; both coders on o1's greeting.
  c.code('o1', greet.id, 'begrüßt Frau K. herzlich');
  c.code('o1', greet.id, 'begrüßt Frau K. herzlich', JONAS);
  c.code('o1', drinks.id, 'Sie bietet einen Kaffee an');
  c.code('o2', greet.id, 'begrüßt den Vater freundlich');
  c.code('o3', greet.id, 'begrüßt die Familie');
  c.code('o4', greet.id, 'am Eingang begrüßt');
  c.code('o4', drinks.id, 'Tee und Wasser');
  // Summaries: A side in o1 and o2; a B code in an observation (o3) must not count for the crosswalk row's A side.
  c.code('o1', summary.id, 'fasst sie zusammen, worum es geht');
  c.code('o2', summary.id, 'fasst sie das Anliegen zusammen');
  c.code('o3', info.id, 'notiert sich Informationen zur Schule');
  // B side: d1 carries both B codes (counts once as a document), d3 one of them; overlapping ranges in d1.
  c.code('d1', info.id, 'Anlass: Schulverweigerung des Sohnes.');
  c.code('d1', course.id, 'Verlauf: KM schildert die Lage. Ergebnis: Kontakt zur Schule wird aufgenommen.');
  c.code('d1', course.id, 'Ergebnis: Kontakt zur Schule', JONAS);
  c.code('d3', course.id, 'Ergebnis: Termin bei der Schuldnerberatung.');
  // Software reflections: d2, i1, i2.
  c.code('d2', software.id, 'Die Software verlangt ein Pflichtfeld');
  c.code('i1', software.id, 'Die Software ist umständlich.');
  c.code('i2', software.id, 'In der Software fehlt ein Feld');
  // Rare: one document.
  c.code('o3', rare.id, 'im Flur');
  await store.commit(pid, { segments: { put: c.segments } });

  const { rows } = await setCrosswalk(deps, pid, { rows: [{ label: 'Zusammenfassung', a: [summary.id], b: [info.id, course.id], note: 'Bündeln ↔ Festhalten' }] });
  return {
    store,
    deps,
    projectId: pid,
    codes: { beratung, atmo, greet, drinks, summary, dokumentation, info, course, software, rare },
    crosswalkId: (rows[0] as { id: string }).id,
  };
}
