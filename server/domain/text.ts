/**
 * Code-point arithmetic. Offsets everywhere in Sichtbar are Unicode code points (REFI-QDA),
 * while JavaScript strings index UTF-16 code units; these helpers convert between the two.
 * A combining character is its own code point (so "e\u0301" has length 2), as in REFI-QDA.
 */

/** Number of code points in `text`. */
export function cpLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * Maps code-point offsets to UTF-16 offsets for one text. Texts without astral characters
 * (the usual case) map by identity; otherwise a sorted list of astral positions is searched.
 */
export class CodePointIndex {
  /** UTF-16 offsets of the high surrogates of astral characters, ascending. */
  private readonly astral: number[] = [];
  readonly length: number;

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          this.astral.push(i);
          i++;
        }
      }
    }
    this.length = text.length - this.astral.length;
  }

  /** UTF-16 offset of code point `cp` (0 ≤ cp ≤ length). */
  toUtf16(cp: number): number {
    if (this.astral.length === 0) return cp;
    // Count astral characters whose code-point position lies before cp.
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const a = this.astral[mid] as number;
      if (a - mid < cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }

  /** Code-point offset of UTF-16 offset `u` (u must not split a surrogate pair). */
  toCodePoint(u: number): number {
    if (this.astral.length === 0) return u;
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.astral[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return u - lo;
  }

  /** The text between two code-point offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

/** Normalise imported text: NFC, LF line endings. */
export function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC');
}
