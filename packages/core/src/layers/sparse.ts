import { SekishoError } from '../errors.js';
import type { SparseRegion } from './entry.js';

/*
 * GNU sparse tar members, read the way Go's archive/tar reads them (reader.go:
 * readOldGNUSparseMap, readGNUSparsePAXHeaders, readGNUSparseMap1x0, readGNUSparseMap0x1,
 * validateSparseEntries) — Go's reader is what container runtimes unpack layers with, so a file
 * they restore is a file we must see. Formats (GNU tar manual, "Storing Sparse Files"):
 *
 * - old GNU (typeflag `S`): four map entries (12-byte offset, 12-byte length) at offset 386,
 *   `isextended` at 482, the real size at 483; while `isextended` is set, 512-byte extension
 *   blocks follow the header (outside the entry's size) with 21 entries each and `isextended`
 *   at 504. An entry whose offset field starts with NUL ends the map.
 * - PAX 0.0: `GNU.sparse.size`, `GNU.sparse.numblocks` and repeated `GNU.sparse.offset` /
 *   `GNU.sparse.numbytes` records, in that alternating order.
 * - PAX 0.1: `GNU.sparse.size`, `GNU.sparse.numblocks`, `GNU.sparse.map` (`off,len,off,len…`)
 *   and `GNU.sparse.name`; the ustar name is `…/GNUSparseFile.<pid>/<name>`.
 * - PAX 1.0: `GNU.sparse.major=1`, `GNU.sparse.minor=0`, `GNU.sparse.name`,
 *   `GNU.sparse.realsize`; the map is at the start of the data as decimal lines (count, then
 *   offset/length pairs), padded to whole 512-byte blocks that count in the entry's size.
 *
 * The entry's stored data is the concatenation of the map's regions; everything else of the
 * real file is a hole (zeros). A map must be sorted, non-overlapping, inside the real size, and
 * account for every stored byte: anything else is a corrupt layer (Go refuses such maps too,
 * with ErrHeader, errMissData or errUnrefData), never a skipped entry.
 */

export interface SparseMember {
  readonly format: 'gnu' | 'pax-0.0' | 'pax-0.1' | 'pax-1.0';
  readonly realSize: number;
  /** `GNU.sparse.name`, which replaces the stored (`GNUSparseFile.N/…`) name. */
  readonly realName: string | null;
  /** The map, or null for PAX 1.0 (read from the start of the data). */
  readonly map: readonly SparseRegion[] | null;
}

/** The GNU.sparse.* records of one PAX extended header, as written. */
export interface SparsePaxRecords {
  major?: string;
  minor?: string;
  name?: string;
  size?: string;
  realsize?: string;
  numblocks?: string;
  map?: string;
  /** PAX 0.0: the `GNU.sparse.offset` / `GNU.sparse.numbytes` values in order. */
  pairs?: string[];
}

/** Most regions in one sparse map (a file with this many holes is not a real layer's). */
const MAX_SPARSE_REGIONS = 100_000;
/** Most bytes of a PAX 1.0 sparse map (the same bound as other tar metadata). */
const MAX_SPARSE_MAP_BYTES = 1024 * 1024;

const BLOCK = 512;

export function corrupt(message: string, path: string): SekishoError {
  return new SekishoError('LAYER_CORRUPT', message, { where: { path } });
}

/** Record one `GNU.sparse.*` PAX keyword; false when the key is not a sparse one. */
export function addSparsePaxRecord(records: SparsePaxRecords, key: string, value: string): boolean {
  switch (key) {
    case 'GNU.sparse.major':
      records.major = value;
      return true;
    case 'GNU.sparse.minor':
      records.minor = value;
      return true;
    case 'GNU.sparse.name':
      records.name = value;
      return true;
    case 'GNU.sparse.size':
      records.size = value;
      return true;
    case 'GNU.sparse.realsize':
      records.realsize = value;
      return true;
    case 'GNU.sparse.numblocks':
      records.numblocks = value;
      return true;
    case 'GNU.sparse.map':
      records.map = value;
      return true;
    case 'GNU.sparse.offset':
    case 'GNU.sparse.numbytes': {
      // 0.0 repeats these two keys, alternating offset then numbytes (Go: parsePAX).
      const pairs = (records.pairs ??= []);
      const expected = pairs.length % 2 === 0 ? 'GNU.sparse.offset' : 'GNU.sparse.numbytes';
      if (key !== expected || value.includes(',')) throw new SekishoError('LAYER_CORRUPT', `PAX sparse map record ${key} out of order`);
      if (pairs.length >= 2 * MAX_SPARSE_REGIONS) throw new SekishoError('LIMIT_ENTRY_SIZE', `sparse map has more than ${MAX_SPARSE_REGIONS} regions`);
      pairs.push(value);
      return true;
    }
    default:
      return false;
  }
}

/** The sparse member a PAX header describes, or null for an ordinary file (readGNUSparsePAXHeaders). */
export function sparseFromPax(records: SparsePaxRecords | undefined, path: string, maxRealSize: number): SparseMember | null {
  if (records === undefined) return null;
  const { major, minor } = records;
  const mapText = records.pairs !== undefined ? records.pairs.join(',') : records.map;
  let format: SparseMember['format'];
  if (major === '0' && (minor === '0' || minor === '1')) format = minor === '0' ? 'pax-0.0' : 'pax-0.1';
  else if (major === '1' && minor === '0') format = 'pax-1.0';
  else if (major !== undefined || minor !== undefined) {
    // Go would hand this out as an ordinary file under its GNUSparseFile name: fail closed instead.
    throw corrupt(`unsupported GNU sparse format ${major ?? '?'}.${minor ?? '?'}`, path);
  } else if (mapText !== undefined || records.numblocks !== undefined || records.size !== undefined) {
    // 0.0 and 0.1 carry no version records. Unlike Go, an empty map (a file that is all hole)
    // is still read as sparse rather than handed out under its stored name.
    format = records.pairs !== undefined || records.name === undefined ? 'pax-0.0' : 'pax-0.1';
  } else return null;

  const sizeText = records.size ?? records.realsize;
  if (sizeText === undefined) throw corrupt('GNU sparse PAX header without a real size', path);
  const realSize = decimal(sizeText, 'sparse real size', path);
  checkRealSize(realSize, maxRealSize, path);
  const realName = records.name !== undefined && records.name !== '' ? records.name : null;
  if (format === 'pax-1.0') return { format, realSize, realName, map: null };

  // readGNUSparseMap0x1: numblocks pairs in GNU.sparse.map.
  if (records.numblocks === undefined) throw corrupt('GNU sparse PAX header without GNU.sparse.numblocks', path);
  const count = decimal(records.numblocks, 'sparse region count', path);
  if (count > MAX_SPARSE_REGIONS) throw new SekishoError('LIMIT_ENTRY_SIZE', `sparse map has more than ${MAX_SPARSE_REGIONS} regions`, { where: { path } });
  const fields = mapText === undefined || mapText === '' ? [] : mapText.split(',');
  if (fields.length !== 2 * count) throw corrupt(`sparse map has ${fields.length / 2} regions, GNU.sparse.numblocks says ${count}`, path);
  const map: SparseRegion[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    map.push({ offset: decimal(fields[i] ?? '', 'sparse offset', path), length: decimal(fields[i + 1] ?? '', 'sparse length', path) });
  }
  return { format, realSize, realName, map };
}

export function checkRealSize(realSize: number, maxRealSize: number, path: string): void {
  if (realSize > maxRealSize) {
    throw new SekishoError('LIMIT_ENTRY_SIZE', `sparse file's real size of ${realSize} bytes exceeds the layer limit of ${maxRealSize}`, { where: { path } });
  }
}

/**
 * Old GNU map entries from a header (4 at 386) or an extension block (21 at 0); `readNumber`
 * decodes the 12-byte numeric fields. Returns whether another extension block follows.
 */
export function readOldGnuSparseEntries(block: Buffer, start: number, count: number, isExtendedAt: number, readNumber: (at: number) => number, into: SparseRegion[], path: string): boolean {
  for (let i = 0; i < count; i += 1) {
    const at = start + i * 24;
    if (block[at] === 0) break; // readOldGNUSparseMap: an empty offset field ends the list
    if (into.length >= MAX_SPARSE_REGIONS) throw new SekishoError('LIMIT_ENTRY_SIZE', `sparse map has more than ${MAX_SPARSE_REGIONS} regions`, { where: { path } });
    into.push({ offset: readNumber(at), length: readNumber(at + 12) });
  }
  return block[isExtendedAt] !== 0;
}

/**
 * PAX 1.0: read the decimal map at the start of the data, block by block, no further than
 * needed (readGNUSparseMap1x0). `dataSize` is the entry's size; returns the map and the bytes of
 * whole blocks it took.
 */
export async function readSparseMap1x0(readBlock: () => Promise<Buffer>, dataSize: number, path: string): Promise<{ map: SparseRegion[]; bytes: number }> {
  let text = '';
  let bytes = 0;
  let newlines = 0;
  let pos = 0;
  const feed = async (needed: number): Promise<void> => {
    while (newlines < needed) {
      if (bytes + BLOCK > dataSize) throw corrupt('sparse map runs past the entry data', path);
      if (bytes + BLOCK > MAX_SPARSE_MAP_BYTES) throw new SekishoError('LIMIT_ENTRY_SIZE', `sparse map exceeds ${MAX_SPARSE_MAP_BYTES} bytes`, { where: { path } });
      const block = await readBlock();
      bytes += BLOCK;
      const chunk = block.toString('latin1');
      for (let i = 0; i < chunk.length; i += 1) if (chunk.charCodeAt(i) === 0x0a) newlines += 1;
      text += chunk;
    }
  };
  const token = (): string => {
    const end = text.indexOf('\n', pos);
    const out = text.slice(pos, end);
    pos = end + 1;
    newlines -= 1;
    return out;
  };
  await feed(1);
  const count = decimal(token(), 'sparse region count', path);
  if (count > MAX_SPARSE_REGIONS) throw new SekishoError('LIMIT_ENTRY_SIZE', `sparse map has more than ${MAX_SPARSE_REGIONS} regions`, { where: { path } });
  // Each value takes at least two bytes ("0\n"): a count the data cannot hold is corrupt before any reading.
  if (count * 4 > dataSize) throw corrupt(`sparse map of ${count} regions does not fit the entry data`, path);
  await feed(2 * count);
  const map: SparseRegion[] = [];
  for (let i = 0; i < count; i += 1) map.push({ offset: decimal(token(), 'sparse offset', path), length: decimal(token(), 'sparse length', path) });
  return { map, bytes };
}

/**
 * validateSparseEntries, plus the check Go makes while reading (errMissData / errUnrefData):
 * regions sorted, not overlapping, inside the real size, and together exactly the stored data.
 */
export function validateSparseMap(map: readonly SparseRegion[], realSize: number, storedBytes: number, path: string): void {
  let end = 0;
  let total = 0;
  for (const region of map) {
    if (region.offset < end) throw corrupt(`sparse map regions overlap or are out of order at offset ${region.offset}`, path);
    if (region.length > realSize - region.offset || region.offset > realSize) {
      throw corrupt(`sparse region ${region.offset}+${region.length} lies beyond the real size of ${realSize}`, path);
    }
    end = region.offset + region.length;
    total += region.length;
  }
  if (total !== storedBytes) {
    throw corrupt(
      total > storedBytes ? `sparse map needs ${total} bytes of data, the entry holds ${storedBytes}` : `sparse entry holds ${storedBytes} bytes of data, its map accounts for ${total}`,
      path,
    );
  }
}

function decimal(text: string, what: string, path: string): number {
  if (!/^\d{1,16}$/.test(text)) throw corrupt(`malformed ${what} ${JSON.stringify(text.slice(0, 40))}`, path);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw corrupt(`${what} out of range`, path);
  return n;
}
