import { PlistError } from './plist.js';
import type { PlistDict, PlistValue } from './plist.js';

/*
 * A bounded reader of binary property lists (`bplist00`, as Xcode writes most Info.plist files),
 * written here because no maintained npm library for them is among this package's dependencies.
 * It reads the trailer and offset table, then only the top dictionary's keys and the values of
 * the keys asked for (strings, numbers, booleans, and arrays of them one level deep): objects are
 * never followed further, so reference cycles and deep nesting cannot arise. Every offset, count
 * and reference is checked against the file before use.
 */

const TRAILER_SIZE = 32;
const MAX_ARRAY_ITEMS = 1024;

interface Layout {
  readonly data: Buffer;
  readonly offsetSize: number;
  readonly refSize: number;
  readonly objectCount: number;
  readonly offsetTable: number;
  /** The top object's reference. */
  readonly top: number;
}

/** A big-endian unsigned integer of `size` bytes (1-8) at `at`, as a number; throws past 2^53. */
function readUint(data: Buffer, at: number, size: number): number {
  if (at < 0 || at + size > data.length) throw new PlistError(`binary plist: read past the end at offset ${at}`);
  let value = 0;
  for (let i = 0; i < size; i += 1) value = value * 256 + (data[at + i] ?? 0);
  if (!Number.isSafeInteger(value)) throw new PlistError('binary plist: integer too large for an offset');
  return value;
}

function layoutOf(data: Buffer): Layout {
  if (data.length < 8 + TRAILER_SIZE) throw new PlistError('binary plist: file too short');
  const version = data.toString('latin1', 6, 8);
  if (version !== '00') throw new PlistError(`binary plist version ${JSON.stringify(version)} is not supported`);
  const trailer = data.length - TRAILER_SIZE;
  const offsetSize = data[trailer + 6] ?? 0;
  const refSize = data[trailer + 7] ?? 0;
  const objectCount = readUint(data, trailer + 8, 8);
  const top = readUint(data, trailer + 16, 8);
  const offsetTable = readUint(data, trailer + 24, 8);
  if (offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8) throw new PlistError('binary plist: invalid trailer');
  if (objectCount < 1 || top >= objectCount) throw new PlistError('binary plist: invalid object count');
  if (offsetTable < 8 || offsetTable + objectCount * offsetSize > trailer) throw new PlistError('binary plist: offset table outside the file');
  return { data, offsetSize, refSize, objectCount, offsetTable, top };
}

function objectOffset(layout: Layout, ref: number): number {
  if (ref >= layout.objectCount) throw new PlistError(`binary plist: object reference ${ref} out of range`);
  const offset = readUint(layout.data, layout.offsetTable + ref * layout.offsetSize, layout.offsetSize);
  if (offset < 8 || offset >= layout.offsetTable) throw new PlistError(`binary plist: object ${ref} outside the object table`);
  return offset;
}

/** An object's marker, and its count (a length or item count) with where its content starts. */
function counted(layout: Layout, offset: number): { marker: number; count: number; start: number } {
  const marker = layout.data[offset] ?? 0;
  const low = marker & 0x0f;
  if (low !== 0x0f) return { marker, count: low, start: offset + 1 };
  const intMarker = layout.data[offset + 1] ?? 0;
  if (intMarker >> 4 !== 0x1 || (intMarker & 0x0f) > 3) throw new PlistError('binary plist: invalid length');
  const size = 1 << (intMarker & 0x0f);
  return { marker, count: readUint(layout.data, offset + 2, size), start: offset + 2 + size };
}

function within(layout: Layout, start: number, bytes: number): void {
  if (start + bytes > layout.offsetTable) throw new PlistError('binary plist: object runs past the object table');
}

/** A string object's text, or null for an object of another type. */
function stringAt(layout: Layout, ref: number): string | null {
  const offset = objectOffset(layout, ref);
  const type = (layout.data[offset] ?? 0) >> 4;
  if (type !== 0x5 && type !== 0x6) return null;
  const { count, start } = counted(layout, offset);
  if (type === 0x5) {
    within(layout, start, count);
    return layout.data.toString('latin1', start, start + count);
  }
  within(layout, start, count * 2);
  const utf16 = Buffer.from(layout.data.subarray(start, start + count * 2));
  utf16.swap16();
  return utf16.toString('utf16le');
}

/** A value one level deep: scalars in full; arrays with their string and number items. */
function valueAt(layout: Layout, ref: number, depth: number): PlistValue {
  const offset = objectOffset(layout, ref);
  const marker = layout.data[offset] ?? 0;
  const type = marker >> 4;
  const low = marker & 0x0f;
  switch (type) {
    case 0x0:
      return low === 0x8 || low === 0x9 ? { kind: 'bool', value: low === 0x9 } : { kind: 'null' };
    case 0x1: {
      if (low > 4) throw new PlistError('binary plist: invalid integer size');
      const size = 1 << low;
      within(layout, offset + 1, size);
      const bytes = layout.data.subarray(offset + 1 + (size === 16 ? 8 : 0), offset + 1 + size);
      const value = size >= 8 ? bytes.readBigInt64BE(0) : BigInt(readUint(layout.data, offset + 1, size));
      return { kind: 'integer', text: value.toString() };
    }
    case 0x2: {
      if (low !== 2 && low !== 3) throw new PlistError('binary plist: invalid real size');
      within(layout, offset + 1, 1 << low);
      const value = low === 2 ? layout.data.readFloatBE(offset + 1) : layout.data.readDoubleBE(offset + 1);
      return { kind: 'real', text: String(value) };
    }
    case 0x3:
      return { kind: 'date' };
    case 0x4:
      return { kind: 'data' };
    case 0x5:
    case 0x6:
      return { kind: 'string', value: stringAt(layout, ref) ?? '' };
    case 0x8:
      return { kind: 'uid' };
    case 0xa:
      return depth > 0 ? { kind: 'array', items: [] } : arrayAt(layout, offset);
    case 0xd:
      return { kind: 'dict', entries: new Map() };
    default:
      if (type === 0xb || type === 0xc) return { kind: 'array', items: [] };
      throw new PlistError(`binary plist: unknown object type 0x${marker.toString(16)}`);
  }
}

function refsAt(layout: Layout, start: number, count: number): number[] {
  within(layout, start, count * layout.refSize);
  const refs: number[] = [];
  for (let i = 0; i < count; i += 1) refs.push(readUint(layout.data, start + i * layout.refSize, layout.refSize));
  return refs;
}

function arrayAt(layout: Layout, offset: number): PlistValue {
  const { count, start } = counted(layout, offset);
  const refs = refsAt(layout, start, Math.min(count, MAX_ARRAY_ITEMS));
  within(layout, start, count * layout.refSize);
  return { kind: 'array', items: refs.map((ref) => valueAt(layout, ref, 1)) };
}

/**
 * The top dictionary of a binary plist with the values of the `wanted` keys (other keys are
 * listed with no value read). Throws PlistError when the file is not a well-formed binary plist
 * or its top object is not a dictionary.
 */
export function readBinaryPlistDict(data: Buffer, wanted: ReadonlySet<string>): PlistDict {
  const layout = layoutOf(data);
  const offset = objectOffset(layout, layout.top);
  if ((data[offset] ?? 0) >> 4 !== 0xd) throw new PlistError('binary plist: the top object is not a dictionary');
  const { count, start } = counted(layout, offset);
  const keyRefs = refsAt(layout, start, count);
  const valueRefs = refsAt(layout, start + count * layout.refSize, count);
  const entries = new Map<string, PlistValue>();
  keyRefs.forEach((keyRef, i) => {
    const key = stringAt(layout, keyRef);
    if (key === null) throw new PlistError('binary plist: a dictionary key is not a string');
    const valueRef = valueRefs[i] ?? 0;
    entries.set(key, wanted.has(key) ? valueAt(layout, valueRef, 0) : { kind: 'null' });
  });
  return { kind: 'dict', entries };
}
