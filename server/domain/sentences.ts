/**
 * Sentence boundaries in German prose, protocols and transcripts: shared by the comparison's
 * evidence quotes and autocoding's "extend to the sentence".
 */

/** Abbreviations whose full stop does not end a sentence (German, as in protocols and records). */
const ABBREVIATIONS = new Set([
  'z', 'b', 'bzw', 'ca', 'd', 'h', 'u', 'a', 'usw', 'etc', 'vgl', 'ggf', 'evtl', 'nr', 'dr', 'hr', 'fr', 'str', 'anm', 'inkl', 'ggü', 'sog',
  'bspw', 'zb', 'dh', 'ua', 'o', 'ä', 'm', 'v', 'j', 'gs', 'km', 'kv', 'tel', 'abs', 'jh', 'mio', 'min', 'std', 'max', 'zzt', 'allg',
]);

/** Where sentences end inside `text` (indices just after the end punctuation and closing quotes). */
export function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  // End punctuation (and closing quotes), then space, optional transcript timestamps (#00:01:23-4#),
  // and a capital, a digit or an opening quote – or the end of the paragraph.
  const re = /[.!?…]+["'“”»«)\]]*(?=\s*(?:#[\d:.,-]+#\s*)*$|\s+(?:#[\d:.,-]+#\s*)*["'„“»«([]?[\p{Lu}\d])/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index;
    if (text[at] === '.') {
      // The word before the full stop: an abbreviation, an initial ("Frau K.") or an ordinal ("3. Klasse").
      const before = /([\p{L}\d]+)$/u.exec(text.slice(Math.max(0, at - 20), at))?.[1] ?? '';
      if (ABBREVIATIONS.has(before.toLocaleLowerCase('de')) || /^\p{L}$/u.test(before) || /^\d+$/.test(before)) continue;
    }
    ends.push(at + m[0].length);
  }
  return ends;
}
