/**
 * Suggestions of what to pseudonymise (issue 9, item 1). Heuristics, in order of confidence:
 *
 * 1. `title`: the capitalised word(s) after Frau, Herr(n), Familie, Fam., Dr. → person
 *    ("Frau Schneider", "Familie Yılmaz-Berg").
 * 2. `known-place`: a word from a small list of German places → place (no places that are also
 *    common nouns, such as Essen or Halle).
 * 3. `institution`: a capitalised word that is not in the word list and ends in an institution word
 *    (…schule, …kita, …klinik, …zentrum, …verein, …heim) → institution ("Lindenschule").
 * 4. `preposition`: a capitalised word after in, aus, nach, bei (that is not in the word list) → place.
 * 5. `unknown-word`: any other capitalised word that is not in the German word list (also not after
 *    stemming, and not as the tail of a compound) → person.
 *
 * Each suggestion carries its count, the number of documents and up to three contexts; one that is
 * already a real name of the key is marked `inKey`; the key's pseudonyms are never suggested.
 */
import type { PseudonymCategory, PseudonymEntry, PseudonymSuggestion } from '../schemas/pseudonym.js';
import { germanWords } from './german-words.js';
import { foldCase, stem } from './search-index.js';

/** A small list of German places: the larger cities and the places of the demo region. */
export const KNOWN_PLACES: readonly string[] = [
  'Berlin', 'Hamburg', 'München', 'Köln', 'Frankfurt', 'Stuttgart', 'Düsseldorf', 'Leipzig', 'Dortmund', 'Bremen',
  'Dresden', 'Hannover', 'Nürnberg', 'Duisburg', 'Bochum', 'Wuppertal', 'Bielefeld', 'Bonn', 'Münster', 'Mannheim', 'Karlsruhe',
  'Augsburg', 'Wiesbaden', 'Mönchengladbach', 'Gelsenkirchen', 'Aachen', 'Braunschweig', 'Kiel', 'Chemnitz', 'Magdeburg',
  'Freiburg', 'Krefeld', 'Mainz', 'Lübeck', 'Erfurt', 'Oberhausen', 'Rostock', 'Kassel', 'Hagen', 'Potsdam', 'Saarbrücken', 'Hamm',
  'Ludwigshafen', 'Oldenburg', 'Osnabrück', 'Leverkusen', 'Heidelberg', 'Darmstadt', 'Solingen', 'Regensburg', 'Paderborn',
  'Ingolstadt', 'Würzburg', 'Wolfsburg', 'Ulm', 'Göttingen', 'Heilbronn', 'Pforzheim', 'Bottrop', 'Trier', 'Jena', 'Cottbus',
  'Schwerin', 'Celle', 'Uelzen', 'Lüneburg', 'Winsen', 'Buchholz', 'Stade', 'Cuxhaven', 'Hildesheim', 'Salzgitter', 'Wolfenbüttel',
  'Adendorf', 'Bardowick', 'Bleckede', 'Dahlenburg', 'Amelinghausen', 'Scharnebeck', 'Gellersen', 'Reppenstedt', 'Neuhaus',
  'Ilmenau', 'Ostheide', 'Deutschland', 'Niedersachsen', 'Bayern', 'Sachsen', 'Hessen', 'Thüringen', 'Brandenburg',
  'Österreich', 'Schweiz', 'Polen', 'Türkei', 'Syrien', 'Ukraine', 'Russland', 'Rumänien', 'Italien', 'Afghanistan', 'Irak',
];

const TITLES = ['Frau', 'Herr', 'Herrn', 'Familie', 'Fam.', 'Dr.'];
const PREPOSITIONS = ['in', 'aus', 'nach', 'bei'];
/** Kinds of institutions that are no names ("Grundschule" is in the word list anyway). */
const KNOWN_INSTITUTION_KINDS = new Set(['grundschulen', 'oberschulen', 'berufsschulen', 'kitas', 'kinderheim', 'pflegeheim', 'altenheim', 'jugendzentrum', 'familienzentrum', 'sportverein', 'förderverein', 'arztpraxis', 'kinderarztpraxis', 'hausarztpraxis', 'förderschule', 'gesamtschule', 'hauptschule', 'realschule', 'musikschule', 'volkshochschule', 'hochschule', 'fachhochschule', 'kinderklinik', 'tagesklinik', 'beratungszentrum', 'bauernhof', 'friedhof', 'bahnhof', 'schulhof', 'innenhof', 'hinterhof', 'kinderkrankenhaus', 'stahlwerk', 'netzwerk', 'handwerk', 'feuerwerk']);
const INSTITUTION_TAILS = ['schule', 'kita', 'klinik', 'zentrum', 'verein', 'heim', 'kindergarten', 'krankenhaus', 'praxis', 'werk', 'hof'];

/** A capitalised word (with hyphenated parts), as the search index tokenises. */
const WORD = /(?<![\p{L}\p{M}\p{N}])\p{Lu}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*(?![\p{L}\p{M}\p{N}])/gu;
const ANY_WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}.]*/gu;

let knownStems: Set<string> | undefined;
function isKnownWord(word: string): boolean {
  const words = germanWords();
  const folded = foldCase(word);
  if (words.has(folded)) return true;
  knownStems ??= new Set([...words].map((w) => stem(w)));
  if (knownStems.has(stem(folded))) return true;
  // A compound whose last part is a known word: "Beratungsgespräch". Head at least 3 letters, tail
  // at least 5 (exact) or 6 (by stem), so that place names like "Quellbrück" are not taken for "Rücken".
  const chars = [...folded];
  for (let i = 3; i <= chars.length - 5; i++) {
    const tail = chars.slice(i).join('');
    if (words.has(tail) || (tail.length >= 6 && knownStems.has(stem(tail)))) return true;
  }
  return false;
}

/** Hyphenated: every part must be known ("Eltern-Kind-Gespräch"). */
function isKnown(word: string): boolean {
  return word.split('-').every((p) => p.length <= 1 || isKnownWord(p));
}

interface Found {
  text: string;
  category: PseudonymCategory;
  reason: PseudonymSuggestion['reason'];
  count: number;
  documents: Set<string>;
  contexts: string[];
}

const RANK: Record<PseudonymSuggestion['reason'], number> = { title: 0, 'known-place': 1, institution: 2, preposition: 3, 'unknown-word': 4 };

function context(text: string, start: number, end: number): string {
  const left = text.slice(Math.max(0, start - 40), start);
  const right = text.slice(end, end + 40);
  return `…${left}${text.slice(start, end)}${right}…`.replace(/\s+/g, ' ');
}

/**
 * Suggest names in the given texts. `key` marks suggestions that are already real names; `limit`
 * caps the list (best first: by reason, then count).
 */
export function suggestPseudonyms(
  documents: readonly { id: string; text: string }[],
  key: readonly PseudonymEntry[],
  limit = 500,
): PseudonymSuggestion[] {
  const places = new Set(KNOWN_PLACES);
  // Pseudonyms already in the texts are no names to hide.
  const pseudonyms = new Set(key.map((e) => e.pseudonym));
  const found = new Map<string, Found>();
  const note = (docId: string, text: string, start: number, end: number, word: string, category: PseudonymCategory, reason: Found['reason']): void => {
    let f = found.get(word);
    if (!f) found.set(word, (f = { text: word, category, reason, count: 0, documents: new Set(), contexts: [] }));
    else if (RANK[reason] < RANK[f.reason]) {
      f.reason = reason;
      f.category = category;
    }
    f.count++;
    f.documents.add(docId);
    if (f.contexts.length < 3) f.contexts.push(context(text, start, end));
  };
  for (const doc of documents) {
    const text = doc.text;
    for (const m of text.matchAll(WORD)) {
      const word = m[0];
      const start = m.index;
      const end = start + word.length;
      // The word before (skipping spaces): a title or a preposition?
      const before = text.slice(Math.max(0, start - 30), start);
      const prev = [...before.matchAll(ANY_WORD)].pop();
      const prevWord = prev && /^[ \t]+$/.test(before.slice((prev.index ?? 0) + prev[0].length)) ? prev[0] : undefined;
      // Single letters are initials or speaker labels ("Frau K.", "I:"): pseudonymous already.
      if (word.length < 2 || TITLES.includes(word) || pseudonyms.has(word)) continue;
      const seen = found.get(word);
      if (seen) {
        note(doc.id, text, start, end, word, seen.category, seen.reason);
        continue;
      }
      // After Frau/Herr always a name (surnames are often nouns: "Frau Fischer"); after Familie only an unknown word.
      if (prevWord && TITLES.includes(prevWord) && (prevWord !== 'Familie' || !isKnown(word))) {
        note(doc.id, text, start, end, word, 'person', 'title');
        continue;
      }
      if (places.has(word)) {
        note(doc.id, text, start, end, word, 'place', 'known-place');
        continue;
      }
      const folded = foldCase(word);
      // Before the compound check, which would take "Birkenschule" for a kind of "Schule".
      if (!germanWords().has(folded) && INSTITUTION_TAILS.some((t) => folded.endsWith(t) && folded.length > t.length + 2) && !KNOWN_INSTITUTION_KINDS.has(folded)) {
        note(doc.id, text, start, end, word, 'institution', 'institution');
        continue;
      }
      if (isKnown(word)) continue;
      if (prevWord && PREPOSITIONS.includes(prevWord)) {
        note(doc.id, text, start, end, word, 'place', 'preposition');
        continue;
      }
      note(doc.id, text, start, end, word, 'person', 'unknown-word');
    }
  }
  const inKey = new Set(key.map((e) => e.real));
  return [...found.values()]
    .sort((a, b) => RANK[a.reason] - RANK[b.reason] || b.count - a.count || a.text.localeCompare(b.text, 'de'))
    .slice(0, limit)
    .map((f) => ({ text: f.text, category: f.category, reason: f.reason, count: f.count, documents: f.documents.size, contexts: f.contexts, inKey: inKey.has(f.text) }));
}
