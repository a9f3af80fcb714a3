/**
 * RPM header blob reader, as stored in every rpmdb backend (sqlite, ndb, bdb).
 *
 * Layout (rpm lib/header.c, hdrblobInit/hdrblobVerifyInfo; doc "RPM file format"):
 *   int32 BE il   number of index entries
 *   int32 BE dl   size of the data store
 *   il × 16 bytes index entries: int32 tag, uint32 type, int32 offset, uint32 count (all BE)
 *   dl bytes      data store; offsets are relative to its start
 * Region tags (61 HEADERIMAGE, 62 HEADERSIGNATURES, 63 HEADERIMMUTABLE) are BIN entries that
 * describe the immutable region; they carry no package data and are skipped. Entries after
 * the region ("dribbles") replace region entries with the same tag, so the last entry wins.
 *
 * Every count, offset and length is untrusted: each is checked against the blob's bounds,
 * and a bad header yields an error value, never an exception.
 */

export interface RpmHeaderEntry {
  readonly name: string;
  readonly version: string;
  readonly release: string;
  readonly epoch: number | null;
  readonly arch: string | null;
  readonly sourceRpm: string | null;
  readonly vendor: string | null;
  readonly license: string | null;
  /** Installed size in bytes (SIZE, or LONGSIZE for packages over 4 GiB). */
  readonly size: number | null;
  readonly modularityLabel: string | null;
  /** Absolute paths of the files the package owns, in header order. */
  readonly files: readonly string[];
}

export type RpmHeaderResult = { readonly ok: true; readonly entry: RpmHeaderEntry } | { readonly ok: false; readonly error: string };

export const RPM_HEADER_LIMITS = {
  /** Index entries in one header (a real package header has about 50–150). */
  maxIndexEntries: 65_536,
  /** Size of one header blob. */
  maxBlobBytes: 64 * 1024 * 1024,
  /** Files listed by one package. */
  maxFiles: 1_000_000,
} as const;

/** rpm lib/rpmtag.h values used here. */
export const RPMTAG = {
  headerImage: 61,
  headerSignatures: 62,
  headerImmutable: 63,
  headerI18nTable: 100,
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  size: 1009,
  vendor: 1011,
  license: 1014,
  oldFilenames: 1027,
  arch: 1022,
  sourceRpm: 1044,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  longSize: 5009,
  modularityLabel: 5096,
} as const;

/** rpm rpmTagType values (lib/rpmtag.h). */
export const RPM_TYPE = {
  null: 0,
  char: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  string: 6,
  bin: 7,
  stringArray: 8,
  i18nString: 9,
} as const;

const TYPE_SIZE: readonly number[] = [0, 1, 1, 2, 4, 8, 1, 1, 1, 1];

interface RpmIndexEntry {
  readonly tag: number;
  readonly type: number;
  readonly offset: number;
  readonly count: number;
}

/** A header split into its index and data store, both bounds-checked. */
interface RpmHeaderTags {
  /** Last entry per tag (dribbles replace region entries). */
  readonly entries: ReadonlyMap<number, RpmIndexEntry>;
  readonly data: Uint8Array;
}

class HeaderFormatError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Reads and validates the index of a header blob; throws HeaderFormatError on bad input. */
function readIndex(bytes: Uint8Array): RpmHeaderTags {
  if (bytes.length < 8) throw new HeaderFormatError(`header blob too short (${bytes.length} bytes)`);
  if (bytes.length > RPM_HEADER_LIMITS.maxBlobBytes) {
    throw new HeaderFormatError(`header blob too large (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const il = view.getUint32(0);
  const dl = view.getUint32(4);
  if (il === 0) throw new HeaderFormatError('header has no index entries');
  if (il > RPM_HEADER_LIMITS.maxIndexEntries) throw new HeaderFormatError(`header index count ${il} over limit`);
  const dataStart = 8 + il * 16;
  if (dataStart + dl > bytes.length) {
    throw new HeaderFormatError(`header declares ${il} entries and ${dl} data bytes, blob has ${bytes.length}`);
  }
  const data = bytes.subarray(dataStart, dataStart + dl);
  const entries = new Map<number, RpmIndexEntry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = view.getInt32(at);
    const type = view.getUint32(at + 4);
    const offset = view.getInt32(at + 8);
    const count = view.getUint32(at + 12);
    if (tag === RPMTAG.headerImage || tag === RPMTAG.headerSignatures || tag === RPMTAG.headerImmutable) continue;
    if (type > RPM_TYPE.i18nString) throw new HeaderFormatError(`tag ${tag}: unknown type ${type}`);
    if (offset < 0 || offset > dl) throw new HeaderFormatError(`tag ${tag}: offset ${offset} outside data (${dl} bytes)`);
    if (count === 0 || count > dl) throw new HeaderFormatError(`tag ${tag}: bad count ${count}`);
    const size = TYPE_SIZE[type] ?? 1;
    if (size > 1 && offset % size !== 0) throw new HeaderFormatError(`tag ${tag}: misaligned offset ${offset}`);
    if (type !== RPM_TYPE.string && type !== RPM_TYPE.stringArray && type !== RPM_TYPE.i18nString) {
      if (offset + count * size > dl) throw new HeaderFormatError(`tag ${tag}: ${count} items run past the data`);
    }
    entries.set(tag, { tag, type, offset, count });
  }
  return { entries, data };
}

function readStrings(tags: RpmHeaderTags, entry: RpmIndexEntry, max: number): string[] {
  const { data } = tags;
  const out: string[] = [];
  let at = entry.offset;
  const n = Math.min(entry.count, max);
  for (let i = 0; i < n; i++) {
    const end = data.indexOf(0, at);
    if (end < 0) throw new HeaderFormatError(`tag ${entry.tag}: string ${i} is not terminated`);
    out.push(utf8.decode(data.subarray(at, end)));
    at = end + 1;
  }
  return out;
}

/** A STRING, or the first (C locale) value of an I18NSTRING / STRING_ARRAY; null when absent. */
function rpmHeaderString(tags: RpmHeaderTags, tag: number): string | null {
  const entry = tags.entries.get(tag);
  if (entry === undefined) return null;
  if (entry.type !== RPM_TYPE.string && entry.type !== RPM_TYPE.i18nString && entry.type !== RPM_TYPE.stringArray) {
    throw new HeaderFormatError(`tag ${tag}: expected a string, found type ${entry.type}`);
  }
  return readStrings(tags, entry, 1)[0] ?? null;
}

function rpmHeaderStringArray(tags: RpmHeaderTags, tag: number): string[] | null {
  const entry = tags.entries.get(tag);
  if (entry === undefined) return null;
  if (entry.type !== RPM_TYPE.stringArray && entry.type !== RPM_TYPE.i18nString) {
    throw new HeaderFormatError(`tag ${tag}: expected a string array, found type ${entry.type}`);
  }
  if (entry.count > RPM_HEADER_LIMITS.maxFiles) throw new HeaderFormatError(`tag ${tag}: ${entry.count} strings over limit`);
  return readStrings(tags, entry, entry.count);
}

function readInts(tags: RpmHeaderTags, entry: RpmIndexEntry, max: number): number[] {
  const { data } = tags;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: number[] = [];
  const n = Math.min(entry.count, max);
  for (let i = 0; i < n; i++) {
    switch (entry.type) {
      case RPM_TYPE.char:
      case RPM_TYPE.int8:
        out.push(view.getUint8(entry.offset + i));
        break;
      case RPM_TYPE.int16:
        out.push(view.getUint16(entry.offset + i * 2));
        break;
      case RPM_TYPE.int32:
        out.push(view.getUint32(entry.offset + i * 4));
        break;
      case RPM_TYPE.int64: {
        const big = view.getBigUint64(entry.offset + i * 8);
        if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeaderFormatError(`tag ${entry.tag}: integer too large`);
        out.push(Number(big));
        break;
      }
      default:
        throw new HeaderFormatError(`tag ${entry.tag}: expected an integer, found type ${entry.type}`);
    }
  }
  return out;
}

/** INT8/16/32/64 values as unsigned numbers (INT64 beyond 2^53 is rejected); null when absent. */
function rpmHeaderIntArray(tags: RpmHeaderTags, tag: number): number[] | null {
  const entry = tags.entries.get(tag);
  if (entry === undefined) return null;
  if (entry.count > RPM_HEADER_LIMITS.maxFiles) throw new HeaderFormatError(`tag ${tag}: ${entry.count} integers over limit`);
  return readInts(tags, entry, entry.count);
}

function firstInt(tags: RpmHeaderTags, tag: number): number | null {
  const entry = tags.entries.get(tag);
  if (entry === undefined) return null;
  return readInts(tags, entry, 1)[0] ?? null;
}

function fileList(tags: RpmHeaderTags): string[] {
  const baseNames = rpmHeaderStringArray(tags, RPMTAG.baseNames);
  if (baseNames !== null) {
    const dirNames = rpmHeaderStringArray(tags, RPMTAG.dirNames) ?? [];
    const dirIndexes = rpmHeaderIntArray(tags, RPMTAG.dirIndexes) ?? [];
    if (dirIndexes.length !== baseNames.length) {
      throw new HeaderFormatError(`${baseNames.length} base names but ${dirIndexes.length} directory indexes`);
    }
    return baseNames.map((base, i) => {
      const dir = dirNames[dirIndexes[i] ?? -1];
      if (dir === undefined) throw new HeaderFormatError(`file ${i}: directory index ${dirIndexes[i]} out of range`);
      return dir + base;
    });
  }
  // Headers from rpm < 4.0 (or built with _noDirTokens) list whole paths.
  return rpmHeaderStringArray(tags, RPMTAG.oldFilenames) ?? [];
}

/** Parses one header blob (as stored in an rpmdb) into a package entry. */
export function parseRpmHeaderBlob(bytes: Uint8Array): RpmHeaderResult {
  try {
    const tags = readIndex(bytes);
    const name = rpmHeaderString(tags, RPMTAG.name);
    if (name === null || name === '') return { ok: false, error: 'header has no NAME' };
    const size = firstInt(tags, RPMTAG.size) ?? firstInt(tags, RPMTAG.longSize);
    const entry: RpmHeaderEntry = {
      name,
      version: rpmHeaderString(tags, RPMTAG.version) ?? '',
      release: rpmHeaderString(tags, RPMTAG.release) ?? '',
      epoch: firstInt(tags, RPMTAG.epoch),
      arch: rpmHeaderString(tags, RPMTAG.arch),
      sourceRpm: rpmHeaderString(tags, RPMTAG.sourceRpm),
      vendor: rpmHeaderString(tags, RPMTAG.vendor),
      license: rpmHeaderString(tags, RPMTAG.license),
      size,
      modularityLabel: rpmHeaderString(tags, RPMTAG.modularityLabel),
      files: fileList(tags),
    };
    return { ok: true, entry };
  } catch (error) {
    if (error instanceof HeaderFormatError || error instanceof RangeError) {
      return { ok: false, error: error.message };
    }
    throw error;
  }
}
