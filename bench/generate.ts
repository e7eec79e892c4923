/**
 * A deterministic synthetic corpus for the benchmarks: German-like observation protocols,
 * interview transcripts and documentation records as Markdown files with YAML front matter,
 * plus a codebook and coded segments to go with them.
 *
 * Everything is derived from a seed through a small PRNG (never Math.random), so two runs with the
 * same seed write byte-identical files and the same segments.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Code } from '../server/schemas/code.js';
import type { Segment } from '../server/schemas/segment.js';

// ---------------------------------------------------------------------------------------------
// PRNG

/** A seeded source of pseudo-random numbers (mulberry32 over a 32-bit FNV-1a hash of the seed). */
export class Random {
  private state: number;

  constructor(seed: number | string) {
    let h = 0x811c9dc5;
    for (const ch of String(seed)) {
      h ^= ch.codePointAt(0) ?? 0;
      h = Math.imul(h, 0x01000193);
    }
    this.state = h >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A new generator derived from this one's seed and a label, for independent streams. */
  fork(label: string): Random {
    return new Random(`${this.state}:${label}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Word lists (fictitious social-work setting: Sozialraumbüros, consultations, documentation)

const NOUNS = [
  'Familie', 'Mutter', 'Vater', 'Kind', 'Sohn', 'Tochter', 'Schule', 'Lehrerin', 'Termin', 'Anliegen',
  'Gespräch', 'Beratung', 'Fachkraft', 'Kollegin', 'Wohnung', 'Miete', 'Antrag', 'Formular', 'Woche',
  'Straße', 'Maßnahme', 'Ergebnis', 'Frage', 'Sorge', 'Ärger', 'Übergang', 'Schlüssel', 'Tür', 'Flur',
  'Hilfe', 'Unterstützung', 'Kita', 'Nachbarin', 'Großmutter', 'Bescheid', 'Zeugnis', 'Prüfung',
  'Ausbildung', 'Krankenkasse', 'Ärztin', 'Gemeinde', 'Führerschein', 'Bushaltestelle', 'Einkommen',
  'Stromrechnung', 'Schulden', 'Trennung', 'Umgang', 'Gericht', 'Vereinbarung', 'Rückmeldung', 'Notiz',
  'Stichpunkt', 'Rechner', 'Software', 'Maske', 'Pflichtfeld', 'Liste', 'Zahl', 'Statistik', 'Träger',
  'Landkreis', 'Büro', 'Sprechstunde', 'Wartebereich', 'Taschentuch', 'Kaffee', 'Hund', 'Fußball',
  'Geburtstag', 'Klassenfahrt', 'Jobcenter', 'Übersetzung', 'Sprache', 'Größe', 'Gefühl', 'Maß',
];

const COMPOUND_HEADS = [
  'Beratungs', 'Dokumentations', 'Familien', 'Jugend', 'Sozialraum', 'Erziehungs', 'Schul', 'Wohnungs',
  'Eltern', 'Kinder', 'Gesprächs', 'Fall', 'Hilfe', 'Antrags', 'Übergangs', 'Straßen', 'Größen',
  'Büro', 'Verwaltungs', 'Nachbarschafts', 'Unterhalts', 'Förder', 'Freizeit', 'Gemeinde', 'Kranken',
];

const COMPOUND_TAILS = [
  'gespräch', 'verlauf', 'anlass', 'feld', 'stunde', 'planung', 'büro', 'konferenz', 'zimmer', 'notiz',
  'bogen', 'leistung', 'träger', 'maßnahme', 'vereinbarung', 'schritt', 'übergabe', 'café', 'kasse',
  'bescheid', 'gruß', 'frühstück', 'ausflug', 'geld', 'hilfe', 'arbeit', 'stelle', 'weg', 'größe',
];

const VERBS = [
  'sagt', 'erzählt', 'berichtet', 'fragt', 'schreibt', 'dokumentiert', 'notiert', 'vereinbart', 'erklärt',
  'überlegt', 'schließt', 'weiß', 'muss', 'möchte', 'kann', 'wird', 'hat', 'ist', 'fühlt', 'schlägt',
  'nickt', 'lächelt', 'wartet', 'blättert', 'tippt', 'übernimmt', 'begrüßt', 'verabschiedet', 'klärt',
  'hört', 'lässt', 'bespricht', 'fällt', 'trägt', 'läuft', 'öffnet', 'bemüht', 'entschuldigt', 'ruft',
];

const WORDS = [
  'schnell', 'kurz', 'ausführlich', 'später', 'sofort', 'ehrlich', 'freundlich', 'schwierig', 'wichtig',
  'eigentlich', 'außerdem', 'schließlich', 'natürlich', 'größer', 'müde', 'unsicher', 'zuverlässig',
  'gemeinsam', 'offen', 'leise', 'zögerlich', 'spürbar', 'nebenbei', 'ungefähr', 'übrigens', 'fröhlich',
  'gemäß', 'bloß', 'süß', 'heiß', 'weiß', 'groß', 'zunächst', 'genügend', 'zurück', 'ruhig', 'knapp',
];

const FUNCTION_WORDS = [
  'und', 'aber', 'dann', 'weil', 'dass', 'mit', 'für', 'über', 'bei', 'nach', 'von', 'zu', 'auf', 'im',
  'am', 'nicht', 'auch', 'noch', 'schon', 'nur', 'sehr', 'so', 'wie', 'wenn', 'ob', 'bis', 'ohne', 'gegen',
  'während', 'trotzdem', 'deshalb', 'darüber', 'dafür', 'sich', 'ihr', 'ihm', 'es', 'man', 'wir',
];

const ARTICLES = ['der', 'die', 'das', 'den', 'dem', 'ein', 'eine', 'einen', 'ihre', 'seine', 'unsere'];

const STARTERS = [
  'Die Fachkraft', 'Frau K.', 'Herr M.', 'Sie', 'Er', 'Das Kind', 'Die Mutter', 'Der Vater', 'Danach',
  'Anschließend', 'Zu Beginn', 'Später', 'Im Gespräch', 'Die Kollegin', 'Man', 'Wir', 'Die Familie',
  'Am Ende', 'Zwischendurch', 'Außerdem', 'Vorher', 'Die Großmutter', 'Im Flur', 'Im Büro',
];

const FILLERS = ['ähm', 'also', 'ne', 'halt', 'sozusagen', 'irgendwie', 'quasi', 'genau', 'na ja', 'hm'];

/** Astral (surrogate-pair) and BMP symbols, so code-point and UTF-16 offsets differ. */
const EMOJI = ['🙂', '😊', '👍', '📎', '📞', '🏠', '✔', '☕', '😅', '🚌'];

const OFFICES = [
  'SRB Bleckede', 'SRB Amt Neuhaus', 'SRB Dahlenburg', 'SRB Adendorf', 'SRB Scharnebeck',
  'SRB Bardowick', 'SRB Gellersen', 'SRB Amelinghausen', 'SRB Lüneburg-Süd', 'SRB Reppenstedt',
];

const SETTINGS = ['Offene Sprechstunde', 'Termin', 'Hausbesuch', 'Telefonberatung', 'Elterncafé', 'Übergabe im Team'];

const DOC_SECTIONS = ['Anlass', 'Verlauf', 'Vereinbarungen', 'Nächste Schritte', 'Ergebnis', 'Einschätzung'];

// ---------------------------------------------------------------------------------------------
// Text

function capitalise(word: string): string {
  return word.charAt(0).toLocaleUpperCase('de') + word.slice(1);
}

function compound(rnd: Random): string {
  const head = rnd.pick(COMPOUND_HEADS);
  const middle = rnd.chance(0.2) ? rnd.pick(COMPOUND_HEADS).toLocaleLowerCase('de') : '';
  return head + middle + rnd.pick(COMPOUND_TAILS);
}

function nounPhrase(rnd: Random): string {
  const noun = rnd.chance(0.35) ? compound(rnd) : rnd.pick(NOUNS);
  return rnd.chance(0.7) ? `${rnd.pick(ARTICLES)} ${noun}` : noun;
}

/**
 * One sentence without colons (a capitalised word followed by ":" at the start of a line would
 * read as a speaker label), optionally with filler words (speech) and a rare emoji.
 */
function sentence(rnd: Random, spoken: boolean): string {
  const parts: string[] = [rnd.pick(STARTERS), rnd.pick(VERBS)];
  const length = rnd.int(4, 16);
  for (let i = 0; i < length; i++) {
    const r = rnd.next();
    if (r < 0.32) parts.push(nounPhrase(rnd));
    else if (r < 0.55) parts.push(rnd.pick(FUNCTION_WORDS));
    else if (r < 0.78) parts.push(rnd.pick(WORDS));
    else if (r < 0.88) parts.push(rnd.pick(VERBS));
    else if (spoken && r < 0.96) parts.push(`${rnd.pick(FILLERS)},`);
    else parts.push(`${rnd.pick(FUNCTION_WORDS)},`);
  }
  if (rnd.chance(0.12)) parts.push(`„${capitalise(nounPhrase(rnd))} ${rnd.pick(WORDS)}“`);
  let text = parts.join(' ').replace(/,$/, '');
  if (rnd.chance(0.01)) text += ` ${rnd.pick(EMOJI)}`;
  const end = rnd.next();
  return capitalise(text) + (end < 0.85 ? '.' : end < 0.95 ? '?' : '!');
}

function paragraph(rnd: Random, sentences: number, spoken: boolean): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(rnd, spoken));
  return out.join(' ');
}

/** An f4/f5 timestamp `#hh:mm:ss-d#` for a time in tenths of a second. */
function timestamp(tenths: number): string {
  const s = Math.floor(tenths / 10);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `#${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}-${tenths % 10}#`;
}

/** Append blocks until the body has at least `targetBytes` UTF-8 bytes. */
function fillBody(targetBytes: number, next: () => string): string {
  const blocks: string[] = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const block = next();
    blocks.push(block);
    bytes += Buffer.byteLength(block, 'utf8') + 2;
  }
  return blocks.join('\n\n');
}

function interviewBody(rnd: Random, targetBytes: number): string {
  let tenths = rnd.int(30, 200);
  let question = true;
  return fillBody(targetBytes, () => {
    const text = question ? paragraph(rnd, rnd.int(1, 2), true) : paragraph(rnd, rnd.int(2, 8), true);
    // Speech at roughly 15 characters per second.
    tenths += Math.round((text.length / 15) * 10) + rnd.int(5, 40);
    const turn = `${question ? 'I' : 'FK'}: ${text} ${timestamp(tenths)}`;
    question = !question;
    return turn;
  });
}

function observationBody(rnd: Random, targetBytes: number): string {
  return fillBody(targetBytes, () => paragraph(rnd, rnd.int(3, 7), false));
}

function documentationBody(rnd: Random, targetBytes: number): string {
  let section = 0;
  return fillBody(targetBytes, () => {
    const text = paragraph(rnd, rnd.int(2, 5), false);
    if (section < DOC_SECTIONS.length && rnd.chance(0.25)) return `## ${DOC_SECTIONS[section++] ?? 'Notiz'}\n\n${text}`;
    return text;
  });
}

// ---------------------------------------------------------------------------------------------
// Corpus

export type GeneratedKind = 'observation' | 'interview' | 'documentation';

export interface GeneratedFile {
  /** Absolute path of the written file. */
  path: string;
  kind: GeneratedKind;
  /** Size of the whole file (front matter included) in bytes. */
  bytes: number;
  /** Written with speaker turns and timestamps. */
  transcript: boolean;
}

export interface GeneratedCorpus {
  dir: string;
  files: GeneratedFile[];
  /** Sum of all file sizes. */
  bytes: number;
}

export interface CorpusOptions {
  /** Number of documents (files). */
  documents: number;
  /** Approximate total size of all files in bytes (each file overshoots by at most one paragraph). */
  bytes: number;
  seed: number | string;
  /** Folder to write the Markdown files to (created if missing). */
  dir: string;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Write `documents` Markdown files with YAML front matter (`title`, `kind`, attributes
 * `sozialraumbuero`, `region`, `datum`, `fall`) to `dir`. Every third document is an interview
 * transcript with `I:`/`FK:` turns and f4 timestamps; the others are observation protocols and
 * documentation records. Sizes vary between about half and one and a half times the mean.
 */
export async function generateCorpus(options: CorpusOptions): Promise<GeneratedCorpus> {
  const { documents, bytes, dir } = options;
  if (!Number.isInteger(documents) || documents < 1) throw new Error('documents must be a positive integer');
  await mkdir(dir, { recursive: true });
  const root = new Random(options.seed);
  const sizing = root.fork('sizes');
  const weights = Array.from({ length: documents }, () => 0.5 + sizing.next());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const width = Math.max(4, String(documents).length);

  const files: GeneratedFile[] = [];
  let total = 0;
  for (let i = 0; i < documents; i++) {
    const rnd = root.fork(`document ${i}`);
    const transcript = i % 3 === 0;
    const kind: GeneratedKind = transcript ? 'interview' : i % 3 === 1 ? 'observation' : 'documentation';
    const officeIndex = rnd.int(0, OFFICES.length - 1);
    const office = OFFICES[officeIndex] ?? 'SRB Bleckede';
    const year = rnd.int(2023, 2025);
    const datum = `${year}-${pad(rnd.int(1, 12), 2)}-${pad(rnd.int(1, 28), 2)}`;
    const number = pad(i + 1, width);
    const title =
      kind === 'interview'
        ? `Interview ${number} – FK-${pad(rnd.int(1, 40), 2)}, ${office}`
        : kind === 'observation'
          ? `Beobachtung ${number} – ${rnd.pick(SETTINGS)} im ${office}`
          : `Dokumentation ${number} – Gedok-Eintrag, ${office}`;
    // JSON strings are valid YAML double-quoted scalars.
    const front = [
      '---',
      `title: ${JSON.stringify(title)}`,
      `kind: ${kind}`,
      'attributes:',
      `  sozialraumbuero: ${office}`,
      `  region: Region ${(officeIndex % 4) + 1}`,
      `  datum: ${datum}`,
      `  fall: F-${year}-${pad(rnd.int(1, 999), 3)}`,
      '---',
      '',
      '',
    ].join('\n');
    const target = Math.max(200, Math.round((bytes * (weights[i] ?? 1)) / weightSum) - Buffer.byteLength(front, 'utf8'));
    const body =
      kind === 'interview' ? interviewBody(rnd, target) : kind === 'observation' ? observationBody(rnd, target) : documentationBody(rnd, target);
    const content = `${front}${body}\n`;
    const slug = office.slice(4).toLocaleLowerCase('de').replace(/ü/g, 'ue').replace(/[^a-z0-9]+/g, '-');
    const path = join(dir, `${number}-${kind}-${slug}.md`);
    await writeFile(path, content, 'utf8');
    const size = Buffer.byteLength(content, 'utf8');
    files.push({ path, kind, bytes: size, transcript });
    total += size;
  }
  return { dir, files, bytes: total };
}

// ---------------------------------------------------------------------------------------------
// Codebook and segments

const CATEGORIES: { name: string; codes: string[] }[] = [
  {
    name: 'Relevanzmarkierungen',
    codes: ['Wiederholung', 'Betonung', 'Rückfrage', 'Zusammenfassung', 'Themenwechsel', 'Nachfrage der Fachkraft', 'Eigene Deutung', 'Zitat der Klientin', 'Auslassung', 'Vorläufigkeit'],
  },
  {
    name: 'Anliegen',
    codes: ['Schule und Übergänge', 'Wohnen und Miete', 'Geld und Schulden', 'Trennung und Umgang', 'Gesundheit', 'Behördenpost', 'Erziehungsfragen', 'Freizeit', 'Arbeit und Ausbildung', 'Sprache und Übersetzung'],
  },
  {
    name: 'Dokumentationspraxis',
    codes: ['Stichpunkte während des Gesprächs', 'Nachträgliches Schreiben', 'Pflichtfelder', 'Freitext', 'Schreiben für Kolleginnen', 'Schreiben für den Landkreis', 'Nicht Dokumentiertes', 'Zeitdruck', 'Softwaregrenzen', 'Datenschutzbedenken'],
  },
  {
    name: 'Sozialraum',
    codes: ['Nachbarschaft', 'Vereine', 'Kita und Schule vor Ort', 'Mobilität', 'Ehrenamt', 'Gemeindeverwaltung', 'Treffpunkte', 'Angebote im Quartier', 'Ländlicher Raum', 'Vernetzung'],
  },
  {
    name: 'Beziehung',
    codes: ['Vertrauen', 'Anerkennung', 'Grenzen setzen', 'Humor', 'Emotionale Entlastung', 'Verbindlichkeit', 'Misstrauen', 'Kontinuität', 'Parteilichkeit', 'Abschied'],
  },
];

const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000'];

export interface CodebookOptions {
  /** Number of codable codes (at most 50; grouped under category folders of ten). */
  codes: number;
  /** Timestamp for `created` and `modified`. */
  created: string;
}

/** A two-level codebook: category folders (not codable) with codable codes below, ids `code-…`. */
export function generateCodebook(options: CodebookOptions): Code[] {
  const out: Code[] = [];
  const empty = { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' };
  let left = Math.min(options.codes, CATEGORIES.length * 10);
  CATEGORIES.forEach((category, c) => {
    if (left <= 0) return;
    const folderId = `code-${c + 1}`;
    out.push({ id: folderId, parentId: null, name: category.name, colour: COLOURS[c] ?? '#4363d8', isCodable: false, order: c, definition: empty, created: options.created, modified: options.created, version: 1 });
    category.codes.slice(0, left).forEach((name, k) => {
      out.push({ id: `code-${c + 1}-${k + 1}`, parentId: folderId, name, colour: COLOURS[(c + k) % COLOURS.length] ?? '#4363d8', isCodable: true, order: k, definition: empty, created: options.created, modified: options.created, version: 1 });
      left--;
    });
  });
  return out;
}

export interface SegmentOptions {
  /** The documents to code, with their length in code points. */
  documents: readonly { id: string; length: number }[];
  /** Codable code ids; each segment gets one, uniformly. */
  codeIds: readonly string[];
  /** User ids of the coders (two in the benchmark); each segment gets one, uniformly. */
  coders: readonly string[];
  /** Total number of segments. */
  count: number;
  seed: number | string;
  /** Timestamp of the first segment; later ones are a few seconds apart. */
  start?: string;
}

/**
 * `count` segments spread over the documents in proportion to their length (largest remainder),
 * each 20–600 code points long (a few up to 1,500), within the document; returned grouped by
 * document in the order given. Offsets are code points, end exclusive, as the store expects.
 */
export function generateSegments(options: SegmentOptions): Segment[] {
  const { documents, codeIds, coders, count } = options;
  if (codeIds.length === 0 || coders.length === 0) throw new Error('generateSegments needs codes and coders');
  const rnd = new Random(options.seed);
  const usable = documents.filter((d) => d.length >= 2);
  const totalLength = usable.reduce((a, d) => a + d.length, 0);
  // Largest-remainder apportionment of `count` by document length.
  const shares = usable.map((d, i) => {
    const exact = (count * d.length) / totalLength;
    return { i, n: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let missing = count - shares.reduce((a, s) => a + s.n, 0);
  for (const s of [...shares].sort((a, b) => b.rest - a.rest || a.i - b.i)) {
    if (missing <= 0) break;
    s.n++;
    missing--;
  }

  const base = Date.parse(options.start ?? '2026-01-05T08:00:00.000Z');
  const width = String(count).length;
  const out: Segment[] = [];
  shares.forEach((share) => {
    const doc = usable[share.i] as { id: string; length: number };
    for (let k = 0; k < share.n; k++) {
      const wanted = rnd.chance(0.03) ? rnd.int(600, 1500) : rnd.int(20, 600);
      const length = Math.min(wanted, doc.length - 1);
      const start = rnd.int(0, doc.length - length);
      const n = out.length;
      const at = new Date(base + n * 7_000).toISOString();
      out.push({
        id: `seg-${String(n + 1).padStart(width, '0')}`,
        documentId: doc.id,
        codeId: rnd.pick(codeIds),
        start,
        end: start + length,
        coder: rnd.pick(coders),
        memo: rnd.chance(0.05) ? sentence(rnd, false) : '',
        created: at,
        modified: at,
        version: 1,
      });
    }
  });
  return out;
}
