/**
 * Guards for archives and XML from outside, shared by the REFI-QDA import (.qdpx) and the office
 * importers (.docx, .odt): zip slip, zip bombs, DTDs and entities.
 */
import { unzipSync } from 'fflate';

/** Limits for one archive: checked on the declared sizes before anything is inflated. */
export interface ZipLimits {
  maxZipBytes: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxEntries: number;
}

/** Why an archive was refused; `tooLarge` separates size limits from broken or unsafe archives. */
export class UnsafeArchive extends Error {
  constructor(
    message: string,
    readonly tooLarge: boolean,
  ) {
    super(message);
    this.name = 'UnsafeArchive';
  }
}

/** True if `bytes` start like a zip archive ("PK"). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
}

/** Reject entry names that could leave the target folder (zip slip) or are not plain relative paths. */
export function checkZipEntryName(name: string): void {
  if (
    name.includes('\\') ||
    name.startsWith('/') ||
    /^[a-zA-Z]:/.test(name) ||
    name.split('/').some((p) => p === '..') ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f]/.test(name)
  ) {
    throw new UnsafeArchive(`the archive holds an unsafe entry name "${name.slice(0, 200)}" (absolute path or "..")`, false);
  }
}

/**
 * Unzip an archive from outside. Entry names, the entry count and the declared sizes are checked
 * before anything is inflated; fflate inflates into a buffer of the declared size, so an entry
 * that lies about its size cannot grow beyond it. `keep` chooses the entries to inflate (all files
 * by default); every entry is checked either way.
 *
 * @throws UnsafeArchive for an unsafe name, a limit exceeded (`tooLarge`) or an unreadable archive.
 */
export function unzipSafely(bytes: Uint8Array, limits: ZipLimits, keep: (name: string) => boolean = () => true): Map<string, Uint8Array> {
  if (bytes.length > limits.maxZipBytes) throw new UnsafeArchive(`the archive is larger than ${Math.round(limits.maxZipBytes / 1024 / 1024)} MB`, true);
  if (!looksLikeZip(bytes)) throw new UnsafeArchive('not a zip archive', false);
  let count = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        checkZipEntryName(f.name);
        if (++count > limits.maxEntries) throw new UnsafeArchive(`the archive has more than ${limits.maxEntries} entries`, true);
        if (f.originalSize > limits.maxEntryBytes) throw new UnsafeArchive(`the archive entry "${f.name}" declares ${f.originalSize} bytes; at most ${limits.maxEntryBytes} are allowed`, true);
        total += f.originalSize;
        if (total > limits.maxTotalBytes) throw new UnsafeArchive(`the archive declares more than ${limits.maxTotalBytes} bytes uncompressed`, true);
        return !f.name.endsWith('/') && keep(f.name);
      },
    });
  } catch (e) {
    if (e instanceof UnsafeArchive) throw e;
    throw new UnsafeArchive(`not a readable zip archive: ${e instanceof Error ? e.message : String(e)}`, false);
  }
  return new Map(Object.entries(files));
}

/**
 * XML from outside must not declare a DTD or entities (no entity expansion, no external entities).
 * Returns the reason if it does, else undefined.
 */
export function forbiddenXmlDeclaration(xml: string): string | undefined {
  if (/<!DOCTYPE/i.test(xml)) return 'a DTD (<!DOCTYPE>) is not allowed';
  if (/<!ENTITY/i.test(xml)) return 'entity declarations (<!ENTITY>) are not allowed';
  return undefined;
}
