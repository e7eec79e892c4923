/** Characters that make a CSV field need quotes (RFC 4180). */
export const CSV_QUOTE_WHEN = /[",\r\n]/;

/**
 * A CSV text field (RFC 4180): quoted when it holds a quote, comma or line break (or whatever
 * `quoteWhen` matches, e.g. also ';' for Excel in locales that split on it), quotes doubled. A
 * field that a spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) gets a
 * leading apostrophe (OWASP, CSV injection). Numbers are written as they are, never through here.
 */
export function csvField(value: string, quoteWhen: RegExp = CSV_QUOTE_WHEN): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return quoteWhen.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
