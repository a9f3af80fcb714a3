import { MiB } from '../lang-common/output.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { parseRpmHeaderBlob } from './rpm-header.js';
import { rpmPackage } from './rpm-package.js';

/*
 * A package file, `*.rpm` (a local repository, a build's output, a leftover in /tmp): a 96-byte
 * lead, the signature header, then the main header (name, version, licence, files), each header
 * `8e ad e8 01`, 4 reserved bytes, index count, data size, index, data; the signature header is
 * padded to 8 bytes. The main header is read with the rpmdb's header reader; the payload (the
 * files themselves) never is. The package is what the file declares, not what is installed.
 */

const LEAD_MAGIC = 0xedabeedb;
const HEADER_MAGIC = 0x8eade801;
const LEAD_SIZE = 96;
/** Headers of real packages run to a few MiB (a kernel's file list); the payload after them is never needed. */
const MAX_HEADERS_BYTES = 32 * MiB;

function headerEnd(view: DataView, at: number): number {
  if (at + 16 > view.byteLength) throw new Error(`file ends inside a header at offset ${at}`);
  if (view.getUint32(at) !== HEADER_MAGIC) throw new Error(`no header magic at offset ${at}`);
  const count = view.getUint32(at + 8);
  const size = view.getUint32(at + 12);
  const end = at + 16 + count * 16 + size;
  if (count > 65_536 || end > view.byteLength) throw new Error(`header at offset ${at} runs past the ${view.byteLength} bytes read`);
  return end;
}

export function parseRpmArchive(file: CatalogFile): CatalogOutput {
  const bytes = file.content;
  const unknown = (reason: string): CatalogOutput => ({ packages: [], relationships: [], ownership: [], unknowns: [{ path: file.path, reason: `rpm package file not read: ${reason}` }] });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < LEAD_SIZE || view.getUint32(0) !== LEAD_MAGIC) return unknown('no rpm lead');
  let main: number;
  let end: number;
  try {
    const signatureEnd = headerEnd(view, LEAD_SIZE);
    main = signatureEnd + ((8 - (signatureEnd % 8)) % 8);
    end = headerEnd(view, main);
  } catch (error) {
    return unknown(error instanceof Error ? error.message : String(error));
  }
  const header = parseRpmHeaderBlob(bytes.subarray(main + 8, end));
  if (!header.ok) return unknown(header.error);
  return {
    packages: [rpmPackage(header.entry, file.path, 'declared', `${file.path}#${header.entry.name}`)],
    relationships: [],
    ownership: [],
    unknowns: [],
  };
}

export const rpmArchiveCataloger: Cataloger = {
  id: 'rpm-archive-cataloger',
  version: 1,
  packageTypes: ['rpm'],
  selector: { suffixes: ['.rpm'] },
  maxFileSize: MAX_HEADERS_BYTES,
  // A package file is mostly payload: its start holds both headers.
  readsPrefix: MAX_HEADERS_BYTES,
  parse: (file: CatalogFile) => parseRpmArchive(file),
};
