/**
 * The codebook as a Word document (.docx), written with the `docx` package: the code tree in tree
 * order, one heading per code (level = depth, Word has six heading levels; deeper codes stay at
 * level 6 and are indented), a colour swatch with the colour's hex value, and the structured
 * definition – description, inclusion and exclusion criteria, anchor examples (as quotes), coding
 * rules – under the same German labels as the Markdown codebook (`codebookToMarkdown`).
 */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun, type ParagraphChild } from 'docx';
import type { CodebookEntry, CodebookFile } from '../schemas/codebook.js';

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6] as const;

/** Characters XML 1.0 does not allow; the docx package escapes markup but not these. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function clean(s: string): string {
  return s.replace(INVALID_XML, '\ufffd');
}

/** A text as runs: line breaks inside a paragraph become Word line breaks. */
function runs(text: string, style: { bold?: boolean; italics?: boolean } = {}): TextRun[] {
  return clean(text)
    .split('\n')
    .map((line, i) => new TextRun({ text: line, ...style, ...(i > 0 ? { break: 1 } : {}) }));
}

/** Paragraphs of a text: blocks separated by blank lines become Word paragraphs. */
function paragraphs(text: string, options: { italics?: boolean; indent?: number } = {}): Paragraph[] {
  return text
    .trim()
    .split(/\n[ \t]*\n+/)
    .filter((p) => p.trim() !== '')
    .map(
      (p) =>
        new Paragraph({
          children: runs(p, options.italics ? { italics: true } : {}),
          ...(options.indent !== undefined ? { indent: { left: options.indent } } : {}),
        }),
    );
}

function label(text: string): Paragraph {
  return new Paragraph({ children: [new TextRun({ text, bold: true })], spacing: { before: 120 } });
}

/** A filled square in the code's colour, then the colour as text (for print and screen readers). */
function swatch(colour: string | undefined): ParagraphChild[] {
  if (!colour) return [];
  const hex = colour.replace(/^#/, '').toUpperCase();
  const full = hex.length === 3 ? hex.replace(/(.)/g, '$1$1') : hex;
  if (!/^[0-9A-F]{6}$/.test(full)) return [];
  return [new TextRun({ text: '■ ', color: full })];
}

function entryBlocks(e: CodebookEntry, depth: number, out: Paragraph[]): void {
  const heading = HEADINGS[Math.min(depth, HEADINGS.length - 1)] ?? HeadingLevel.HEADING_6;
  const indent = depth >= HEADINGS.length ? { indent: { left: 360 * (depth - HEADINGS.length + 1) } } : {};
  out.push(
    new Paragraph({
      heading,
      ...indent,
      children: [...swatch(e.colour), ...runs(e.name), ...(e.isCodable === false ? [new TextRun({ text: ' (Kategorie)', italics: true })] : [])],
    }),
  );
  if (e.colour) out.push(new Paragraph({ children: [new TextRun({ text: `Farbe: ${clean(e.colour)}`, color: '595959', size: 18 })] }));
  const d = e.definition ?? {};
  if (d.description?.trim()) out.push(...paragraphs(d.description));
  if (d.inclusion?.trim()) out.push(label('Einschlusskriterien'), ...paragraphs(d.inclusion));
  if (d.exclusion?.trim()) out.push(label('Ausschlusskriterien und Abgrenzung'), ...paragraphs(d.exclusion));
  const anchors = (d.anchors ?? []).filter((a) => a.text.trim() !== '');
  if (anchors.length > 0) {
    out.push(label('Ankerbeispiele'));
    for (const a of anchors) out.push(...paragraphs(`„${a.text.trim()}“`, { italics: true, indent: 567 }));
  }
  if (d.rules?.trim()) out.push(label('Kodierregeln'), ...paragraphs(d.rules));
  for (const child of e.children ?? []) entryBlocks(child, depth + 1, out);
}

/** The paragraphs of the codebook document, in tree order (exported for tests and other writers). */
export function codebookParagraphs(book: CodebookFile): Paragraph[] {
  const out: Paragraph[] = [new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.LEFT, children: runs(book.title) })];
  if (book.description.trim()) out.push(...paragraphs(book.description));
  for (const e of book.codes) entryBlocks(e, 0, out);
  if (book.crosswalk.length > 0) {
    const names = new Map<string, string>();
    const collect = (entries: readonly CodebookEntry[]): void => {
      for (const e of entries) {
        if (e.key) names.set(e.key, e.name);
        collect(e.children ?? []);
      }
    };
    collect(book.codes);
    const list = (keys: readonly string[]): string => keys.map((k) => names.get(k) ?? k).join('; ');
    out.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: runs('Zuordnung Beratung ↔ Dokumentation') }));
    for (const row of book.crosswalk) {
      out.push(new Paragraph({ children: [new TextRun({ text: clean(row.label), bold: true }), new TextRun(clean(`: ${list(row.a)} ↔ ${list(row.b)}`))] }));
      if (row.note.trim()) out.push(...paragraphs(row.note, { indent: 567 }));
    }
  }
  return out;
}

/** The codebook (as `exportCodebook` builds it) as the bytes of a .docx file. */
export async function codebookToDocx(book: CodebookFile): Promise<Uint8Array<ArrayBuffer>> {
  const doc = new Document({
    title: clean(book.title).slice(0, 255),
    creator: 'Sichtbar',
    sections: [{ children: codebookParagraphs(book) }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
