/**
 * Text from office documents: Word (.docx, read with mammoth) and OpenDocument text (.odt, read
 * with fflate and fast-xml-parser). Both are zips from outside, so the archive is checked and
 * unpacked by our own guard (`safe-zip.ts`) first, and XML with a DTD or entities is refused.
 * Paragraphs become blocks separated by a blank line (as in Markdown and the documentation records
 * of `domain/form-records.ts`), a line break inside a paragraph becomes a newline, empty
 * paragraphs are dropped. The result is raw text; `import-file.ts` normalises it (NFC, LF).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { zipSync, type Zippable } from 'fflate';
import mammoth from 'mammoth';
import { ImportError } from '../domain/errors.js';
import { forbiddenXmlDeclaration, looksLikeZip, UnsafeArchive, unzipSafely, type ZipLimits } from './safe-zip.js';

/** Limits for office archives (the file itself is at most 20 MB by the import's own limit). */
export const OFFICE_LIMITS: ZipLimits = {
  maxZipBytes: 50 * 1024 * 1024,
  maxEntryBytes: 100 * 1024 * 1024,
  maxTotalBytes: 200 * 1024 * 1024,
  maxEntries: 5000,
};

/** Deepest element nesting walked in a document (tables in tables, lists in lists). */
const MAX_DEPTH = 200;

/** Most consecutive spaces one `<text:s text:c="…"/>` may stand for. */
const MAX_SPACES = 1000;

export interface ExtractedText {
  text: string;
  /** The first title or level-1 heading, if the document has one. */
  title?: string;
}

/** Old binary Office files (OLE compound documents: .doc, password-protected .docx) start with D0 CF 11 E0. */
function isOleFile(bytes: Uint8Array): boolean {
  return bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
}

/** Unzip with the office limits, answering ImportErrors that say what kind of file was expected. */
function unzipOffice(file: string, bytes: Uint8Array, kind: string, keep: (name: string) => boolean): Map<string, Uint8Array> {
  if (isOleFile(bytes)) {
    throw new ImportError(file, `not a ${kind}: this is an old binary Office file (.doc) or a password-protected document; save it as ${kind} without a password`);
  }
  if (!looksLikeZip(bytes)) throw new ImportError(file, `not a ${kind} (a ${kind} file is a zip archive)`);
  try {
    return unzipSafely(bytes, OFFICE_LIMITS, keep);
  } catch (e) {
    if (e instanceof UnsafeArchive) throw new ImportError(file, e.message);
    throw e;
  }
}

/** Decode an XML part (UTF-8, or UTF-16 with a byte-order mark) and refuse DTDs and entities. */
function readXmlPart(file: string, part: string, bytes: Uint8Array): string {
  let xml: string;
  try {
    const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
    xml = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError(file, `${part}: the XML is not valid UTF-8 or UTF-16`);
  }
  const forbidden = forbiddenXmlDeclaration(xml);
  if (forbidden !== undefined) throw new ImportError(file, `${part}: ${forbidden}`);
  return xml;
}

/** Join paragraphs: whitespace-only ones are dropped, the rest separated by one blank line. */
function joinParagraphs(paragraphs: readonly string[]): string {
  return paragraphs
    .map((p) => p.replace(/[ \t]+$/gm, ''))
    .filter((p) => p.trim() !== '')
    .join('\n\n');
}

function titleOf(s: string | undefined): string | undefined {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t === undefined || t === '' ? undefined : t;
}

// --- .docx ---------------------------------------------------------------------------------

/** The parts mammoth reads: content types, relationships and the XML parts under word/ (no media). */
function isDocxTextPart(name: string): boolean {
  return name === '[Content_Types].xml' || name.endsWith('.rels') || (name.startsWith('word/') && name.endsWith('.xml'));
}

/** The slice of mammoth's document model we read (lib/documents.js). */
interface MammothNode {
  type: string;
  value?: string;
  breakType?: string;
  styleId?: string | null;
  styleName?: string | null;
  children?: MammothNode[];
}

/**
 * Paragraph texts of a mammoth document. mammoth's own `extractRawText` drops line breaks
 * (`<w:br/>`: "Zeile" + "Umbruch" → "ZeileUmbruch"), so we walk its document model instead:
 * text, tabs and line breaks inside a paragraph; tables give one paragraph per cell paragraph.
 */
function docxParagraphs(root: MammothNode): { paragraphs: string[]; title?: string } {
  const paragraphs: string[] = [];
  let title: string | undefined;
  const inline = (node: MammothNode, out: string[], depth: number): void => {
    if (depth > MAX_DEPTH) throw new RangeError('nested too deeply');
    if (node.type === 'text') out.push(node.value ?? '');
    else if (node.type === 'tab') out.push('\t');
    else if (node.type === 'break') out.push(node.breakType === 'line' || node.breakType === undefined ? '\n' : '');
    else for (const child of node.children ?? []) inline(child, out, depth + 1);
  };
  const block = (node: MammothNode, depth: number): void => {
    if (depth > MAX_DEPTH) throw new RangeError('nested too deeply');
    if (node.type === 'paragraph') {
      const out: string[] = [];
      for (const child of node.children ?? []) inline(child, out, depth + 1);
      const text = out.join('');
      paragraphs.push(text);
      const style = `${node.styleId ?? ''} ${node.styleName ?? ''}`.toLowerCase();
      if (title === undefined && /\b(title|titel|heading ?1|berschrift ?1)\b/.test(style)) title = titleOf(text);
      return;
    }
    for (const child of node.children ?? []) block(child, depth + 1);
  };
  block(root, 0);
  return title === undefined ? { paragraphs } : { paragraphs, title };
}

/**
 * The text of a Word document (.docx). The archive is unpacked by our guard and only its XML parts
 * are packed again (uncompressed) for mammoth, so mammoth (which unzips with JSZip, without size
 * limits) only ever sees sizes we checked and no XML with a DTD.
 *
 * @throws ImportError for anything that is not a readable .docx.
 */
export async function extractDocx(file: string, bytes: Uint8Array): Promise<ExtractedText> {
  const parts = unzipOffice(file, bytes, '.docx', isDocxTextPart);
  if (!parts.has('word/document.xml')) {
    throw new ImportError(file, 'not a Word document (the archive has no word/document.xml)');
  }
  const repacked: Zippable = {};
  for (const [name, data] of parts) {
    readXmlPart(file, name, data);
    repacked[name] = [data, { level: 0 }];
  }
  let model: MammothNode | undefined;
  try {
    await mammoth.convertToHtml(
      { buffer: Buffer.from(zipSync(repacked)) },
      {
        // Capture mammoth's document model; images are never read.
        transformDocument: (element: MammothNode) => (model = element),
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
        externalFileAccess: false,
      },
    );
  } catch (e) {
    throw new ImportError(file, `not a readable Word document: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (model === undefined) throw new ImportError(file, 'not a readable Word document');
  let found: { paragraphs: string[]; title?: string };
  try {
    found = docxParagraphs(model);
  } catch {
    throw new ImportError(file, `the document is nested more than ${MAX_DEPTH} levels deep`);
  }
  const text = joinParagraphs(found.paragraphs);
  return found.title === undefined ? { text } : { text, title: found.title };
}

// --- .odt ----------------------------------------------------------------------------------

/** One node of fast-xml-parser's `preserveOrder` output: `{ tag: children, ':@': attributes }` or `{ '#text': … }`. */
type OrderedNode = Record<string, unknown>;

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@');
}

function childrenOf(node: OrderedNode, tag: string): OrderedNode[] {
  const c = node[tag];
  return Array.isArray(c) ? (c as OrderedNode[]) : [];
}

function attrOf(node: OrderedNode, name: string): string | undefined {
  const a = node[':@'] as Record<string, unknown> | undefined;
  const v = a?.[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** Elements whose content is not running text: notes, annotations, frames, change tracking, indexes. */
const ODT_SKIP = new Set([
  'text:note',
  'office:annotation',
  'office:annotation-end',
  'draw:frame',
  'draw:custom-shape',
  'text:tracked-changes',
  'text:table-of-content',
  'text:alphabetical-index',
  'text:bibliography',
  'text:sequence-decls',
  'text:variable-decls',
  'text:user-field-decls',
  'office:forms',
  'table:table-header-columns',
  'table:table-columns',
  'table:table-column',
]);

/**
 * Paragraph texts of an ODF content.xml body. ODF collapses white space in paragraphs
 * (ODF 1.2 part 1, §6.1.2): runs of space, tab and newline in the XML become one space, leading
 * white space of a paragraph is dropped; `<text:s text:c="n"/>`, `<text:tab/>` and
 * `<text:line-break/>` stand for real spaces, tabs and line breaks.
 */
function odtParagraphs(nodes: OrderedNode[]): { paragraphs: string[]; title?: string } {
  const paragraphs: string[] = [];
  let title: string | undefined;

  const inline = (list: OrderedNode[], out: { text: string; space: boolean }, depth: number): void => {
    if (depth > MAX_DEPTH) throw new RangeError('nested too deeply');
    for (const node of list) {
      const raw = node['#text'];
      if (raw !== undefined) {
        let t = String(raw).replace(/[ \t\r\n]+/g, ' ');
        if (out.space && t.startsWith(' ')) t = t.slice(1);
        if (t !== '') {
          out.text += t;
          out.space = t.endsWith(' ');
        }
        continue;
      }
      const tag = tagOf(node);
      if (tag === undefined || ODT_SKIP.has(tag)) continue;
      if (tag === 'text:s') {
        const n = Math.min(MAX_SPACES, Math.max(1, Number.parseInt(attrOf(node, 'text:c') ?? '1', 10) || 1));
        out.text += ' '.repeat(n);
        out.space = false;
      } else if (tag === 'text:tab') {
        out.text += '\t';
        out.space = true;
      } else if (tag === 'text:line-break') {
        out.text += '\n';
        out.space = true;
      } else {
        // text:span, text:a, fields (text:date, text:page-number…), text:meta: their text counts.
        inline(childrenOf(node, tag), out, depth + 1);
      }
    }
  };

  const block = (list: OrderedNode[], depth: number): void => {
    if (depth > MAX_DEPTH) throw new RangeError('nested too deeply');
    for (const node of list) {
      const tag = tagOf(node);
      if (tag === undefined || ODT_SKIP.has(tag)) continue;
      if (tag === 'text:p' || tag === 'text:h') {
        const out = { text: '', space: true };
        inline(childrenOf(node, tag), out, depth + 1);
        paragraphs.push(out.text);
        if (title === undefined && tag === 'text:h' && (attrOf(node, 'text:outline-level') ?? '1') === '1') title = titleOf(out.text);
        continue;
      }
      // Containers: office:body, office:text, text:list, text:list-item, text:section, table:*…
      block(childrenOf(node, tag), depth + 1);
    }
  };
  block(nodes, 0);
  return title === undefined ? { paragraphs } : { paragraphs, title };
}

/**
 * The text of an OpenDocument text file (.odt): paragraphs (`text:p`) and headings (`text:h`) of
 * content.xml, with lists, tables and sections read in document order.
 *
 * @throws ImportError for anything that is not a readable .odt.
 */
export function extractOdt(file: string, bytes: Uint8Array): ExtractedText {
  const parts = unzipOffice(file, bytes, '.odt', (name) => name === 'content.xml' || name === 'mimetype');
  const mimetype = parts.get('mimetype');
  if (mimetype !== undefined) {
    const type = new TextDecoder().decode(mimetype).trim();
    if (type !== 'application/vnd.oasis.opendocument.text' && type !== 'application/vnd.oasis.opendocument.text-template') {
      throw new ImportError(file, `not an OpenDocument text (mimetype ${type.slice(0, 100)})`);
    }
  }
  const content = parts.get('content.xml');
  if (content === undefined) throw new ImportError(file, 'not an OpenDocument text (no content.xml)');
  const xml = readXmlPart(file, 'content.xml', content);
  const check = XMLValidator.validate(xml);
  if (check !== true) throw new ImportError(file, `content.xml: malformed XML at line ${check.err.line}, column ${check.err.col}: ${check.err.msg}`);
  let found: { paragraphs: string[]; title?: string };
  try {
    const parser = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      processEntities: true,
      // Only with this on does fast-xml-parser decode numeric character references (&#xE4;).
      htmlEntities: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
    });
    const doc = parser.parse(xml) as OrderedNode[];
    const root = doc.find((n) => tagOf(n) === 'office:document-content');
    const body = root ? childrenOf(root, 'office:document-content').find((n) => tagOf(n) === 'office:body') : undefined;
    if (!root || !body) throw new ImportError(file, 'not an OpenDocument text (content.xml has no office:document-content/office:body)');
    found = odtParagraphs(childrenOf(body, 'office:body'));
  } catch (e) {
    if (e instanceof ImportError) throw e;
    if (e instanceof RangeError) throw new ImportError(file, `content.xml is nested more than ${MAX_DEPTH} levels deep`);
    throw new ImportError(file, `content.xml: ${e instanceof Error ? e.message : String(e)}`);
  }
  const text = joinParagraphs(found.paragraphs);
  return found.title === undefined ? { text } : { text, title: found.title };
}
