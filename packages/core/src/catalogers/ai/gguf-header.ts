/*
 * A bounded reader of a GGUF file's header: magic, version, counts, metadata key-value pairs and
 * tensor infos (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md). Tensor data is never
 * read. Hand-written because no maintained npm library for GGUF is among this package's
 * dependencies; it reads what Syft's gguf-cataloger reads (through gguf-parser-go with
 * SkipLargeMetadata) and rejects what Syft's pre-scan rejects, so that a file Syft refuses is an
 * unknown here too:
 * - at most 65,536 key-value pairs; keys 1-65,535 bytes; strings read in full (keys, values) at most
 *   8 MiB in all; strings skipped inside arrays at most 4,194,304; an empty string only inside a
 *   skipped array;
 * - arrays are skipped (type, length, offsets kept) except those gguf-parser-go decodes
 *   (`*.feed_forward_length`, `*.attention.head_count`, `*.attention.head_count_kv`,
 *   `*.attention.sliding_window_pattern`): at most 65,536 decoded items in all, nested one level;
 * - well-known keys must have their type (`general.name` a string, `general.file_type` a number,
 *   `general.alignment` a non-zero uint32, `split.tensors.count` a number up to 131,072);
 * - only the first 50 MiB are read, as Syft copies no more of a header.
 * Strings are trimmed of white space (keys too), as gguf-parser-go reads them.
 */

export const MAX_GGUF_HEADER_BYTES = 50 * 1024 * 1024;
const MAX_KV_COUNT = 65_536;
const MAX_KEY_BYTES = 65_535;
const MAX_READ_STRING_BYTES = 8 * 1024 * 1024;
const MAX_SKIPPED_STRINGS = 1 << 22;
const MAX_DECODED_ITEMS = 65_536;
const MAX_SPLIT_TENSORS = 1 << 17;
const MAX_ARRAY_DEPTH = 2;
/** GGML tensor types gguf-parser-go knows (F32 … MXFP4); a tensor of another type is refused. */
const GGML_TYPE_COUNT = 40;

export const GGUF_TYPE = { uint8: 0, int8: 1, uint16: 2, int16: 3, uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9, uint64: 10, int64: 11, float64: 12 } as const;
const SCALAR_SIZES = [1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8];
const DECODED_ARRAY_SUFFIXES = ['.feed_forward_length', '.attention.head_count', '.attention.head_count_kv', '.attention.sliding_window_pattern'];
const STRING_KEYS = new Set(['general.architecture', 'general.name', 'general.license', 'general.type', 'general.author', 'general.url', 'general.description', 'controlvector.model_hint']);

export type GgufValue =
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'float'; readonly bits: 32 | 64; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly bytes: Buffer }
  | GgufArray;

export interface GgufArray {
  readonly kind: 'array';
  readonly itemType: number;
  readonly length: bigint;
  /** Items, for the arrays gguf-parser-go decodes; null for skipped ones. */
  readonly items: readonly GgufValue[] | null;
  /** Offset of the array's item type in the file, and the size of its items in bytes. */
  readonly startOffset: number;
  readonly size: number;
}

export interface GgufKeyValue {
  /** The key, trimmed. */
  readonly key: string;
  readonly keyBytes: Buffer;
  readonly valueType: number;
  readonly value: GgufValue;
}

/** What the tensor infos tell, summed up as they are read (a header may list millions of tensors). */
export interface GgufTensorSummary {
  /** A tensor is named as a diffusion model's are (`model.diffusion_model.…`, `double_blocks.…` …). */
  readonly diffusionNamed: boolean;
  /** Tensors by type, of those gguf-parser-go counts to guess a language model's file type. */
  readonly typeCounts: ReadonlyMap<number, number>;
  /** Tensors by type, of those it counts for a diffusion model (names ending `.weight`). */
  readonly weightTypeCounts: ReadonlyMap<number, number>;
  /** The type of the first tensor named `token_embd.weight`, or null. */
  readonly tokenEmbeddingType: number | null;
  /** Sum of the tensors' element counts, modulo 2^64. */
  readonly parameters: bigint;
}

export interface GgufHeader {
  readonly version: number;
  readonly tensorCount: bigint;
  /** Metadata in file order, without `split.no` (gguf-parser-go drops it). */
  readonly metadata: readonly GgufKeyValue[];
  readonly tensors: GgufTensorSummary;
}

export class GgufError extends Error {}

const MASK_64 = (1n << 64n) - 1n;

class Reader {
  at = 0;
  readStringBudget = MAX_READ_STRING_BYTES;
  skippedStringBudget = MAX_SKIPPED_STRINGS;
  decodedBudget = MAX_DECODED_ITEMS;

  constructor(
    readonly data: Buffer,
    readonly v1: boolean,
  ) {}

  need(bytes: number, what: string): void {
    if (bytes > this.data.length - this.at) throw new GgufError(`file ends inside ${what} at offset ${this.at}`);
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.data.readUInt32LE(this.at);
    this.at += 4;
    return value;
  }

  u64(what: string): bigint {
    this.need(8, what);
    const value = this.data.readBigUInt64LE(this.at);
    this.at += 8;
    return value;
  }

  /** A count or length: 32 bits in GGUF v1, 64 after. */
  len(what: string): bigint {
    return this.v1 ? BigInt(this.u32(what)) : this.u64(what);
  }

  /** `n` bytes that must be in the file; returns the offset they start at. */
  take(n: bigint, what: string): number {
    if (n > BigInt(this.data.length - this.at)) throw new GgufError(`file ends inside ${what} at offset ${this.at}`);
    const start = this.at;
    this.at += Number(n);
    return start;
  }

  spendReadString(n: bigint): void {
    if (n > BigInt(this.readStringBudget)) throw new GgufError(`strings exceed ${MAX_READ_STRING_BYTES} bytes`);
    this.readStringBudget -= Number(n);
  }
}

/** Go's bytes.TrimSpace: ASCII white space and Unicode White_Space, at both ends. */
export function trimSpace(bytes: Buffer): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end) {
    const width = spaceWidthAt(bytes, start);
    if (width === 0) break;
    start += width;
  }
  while (end > start) {
    const width = spaceWidthBefore(bytes, end, start);
    if (width === 0) break;
    end -= width;
  }
  return bytes.subarray(start, end);
}

const ASCII_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);
const UNICODE_SPACE = new Set([0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);

function spaceWidthAt(bytes: Buffer, at: number): number {
  const b = bytes[at] ?? 0;
  if (ASCII_SPACE.has(b)) return 1;
  const rune = decodeRune(bytes, at, bytes.length);
  return rune !== null && UNICODE_SPACE.has(rune.code) ? rune.width : 0;
}

function spaceWidthBefore(bytes: Buffer, end: number, floor: number): number {
  const b = bytes[end - 1] ?? 0;
  if (ASCII_SPACE.has(b)) return 1;
  for (let width = 2; width <= 3 && end - width >= floor; width += 1) {
    const rune = decodeRune(bytes, end - width, end);
    if (rune !== null && rune.width === width) return UNICODE_SPACE.has(rune.code) ? width : 0;
  }
  return 0;
}

/** A valid UTF-8 sequence at `at` (Go's rules: no overlongs, surrogates or code points past U+10FFFF), or null. */
export function decodeRune(bytes: Uint8Array, at: number, end: number): { code: number; width: number } | null {
  const b0 = bytes[at] ?? 0;
  if (b0 < 0x80) return { code: b0, width: 1 };
  const width = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? (b0 <= 0xef ? 3 : 0) : b0 >= 0xc2 ? 2 : 0;
  if (width === 0 || at + width > end) return null;
  let code = b0 & (width === 2 ? 0x1f : width === 3 ? 0x0f : 0x07);
  for (let i = 1; i < width; i += 1) {
    const b = bytes[at + i] ?? 0;
    if ((b & 0xc0) !== 0x80) return null;
    code = (code << 6) | (b & 0x3f);
  }
  const min = width === 2 ? 0x80 : width === 3 ? 0x800 : 0x10000;
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
  return { code, width };
}

/** The GGUF header of `content`; throws GgufError saying what is wrong. */
export function readGgufHeader(content: Buffer): GgufHeader {
  const data = content.length > MAX_GGUF_HEADER_BYTES ? content.subarray(0, MAX_GGUF_HEADER_BYTES) : content;
  if (data.length < 24) throw new GgufError(`file of ${data.length} bytes is shorter than a GGUF header`);
  const magic = data.readUInt32LE(0);
  if (magic !== 0x46554747) throw new GgufError(`invalid GGUF magic number 0x${magic.toString(16).padStart(8, '0').toUpperCase()}`);
  const version = data.readUInt32LE(4);
  const reader = new Reader(data, version <= 1);
  reader.at = 8;
  const tensorCount = reader.len('the tensor count');
  const kvCount = reader.len('the metadata count');
  if (kvCount > BigInt(MAX_KV_COUNT)) throw new GgufError(`metadata count ${kvCount} exceeds ${MAX_KV_COUNT}`);
  const metadata: GgufKeyValue[] = [];
  for (let i = 0; i < Number(kvCount); i += 1) {
    const kv = readKeyValue(reader, i);
    if (kv.key !== 'split.no') metadata.push(kv);
  }
  return { version, tensorCount, metadata, tensors: readTensorInfos(reader, tensorCount) };
}

function readKeyValue(reader: Reader, index: number): GgufKeyValue {
  const length = reader.len(`metadata key ${index}`);
  if (length === 0n || length > BigInt(MAX_KEY_BYTES)) throw new GgufError(`metadata key ${index}: invalid key length ${length}`);
  reader.spendReadString(length);
  const start = reader.take(length, `metadata key ${index}`);
  const keyBytes = trimSpace(reader.data.subarray(start, reader.at));
  const key = keyBytes.toString('utf8');
  const valueType = reader.u32(`the value type of ${quote(key)}`);
  const decoded = DECODED_ARRAY_SUFFIXES.some((suffix) => key.endsWith(suffix));
  const value = readValue(reader, valueType, decoded, 1, key);
  checkWellKnownKey(key, valueType, value);
  return { key, keyBytes, valueType, value };
}

const quote = (key: string): string => JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);

function readValue(reader: Reader, type: number, decoded: boolean, depth: number, key: string): GgufValue {
  const what = `the value of ${quote(key)}`;
  switch (type) {
    case GGUF_TYPE.string:
      return readString(reader, depth > 1 && !decoded, what);
    case GGUF_TYPE.array:
      return readArray(reader, decoded, depth, key);
    case GGUF_TYPE.bool:
      return { kind: 'bool', value: reader.data[reader.take(1n, what)] !== 0 };
    case GGUF_TYPE.float32:
      return { kind: 'float', bits: 32, value: reader.data.readFloatLE(reader.take(4n, what)) };
    case GGUF_TYPE.float64:
      return { kind: 'float', bits: 64, value: reader.data.readDoubleLE(reader.take(8n, what)) };
    default:
      if (type >= SCALAR_SIZES.length) throw new GgufError(`${quote(key)}: invalid value type ${type}`);
      return { kind: 'integer', value: readInteger(reader, type, what) };
  }
}

function readInteger(reader: Reader, type: number, what: string): bigint {
  const at = reader.take(BigInt(SCALAR_SIZES[type] ?? 0), what);
  const data = reader.data;
  switch (type) {
    case GGUF_TYPE.uint8:
      return BigInt(data.readUInt8(at));
    case GGUF_TYPE.int8:
      return BigInt(data.readInt8(at));
    case GGUF_TYPE.uint16:
      return BigInt(data.readUInt16LE(at));
    case GGUF_TYPE.int16:
      return BigInt(data.readInt16LE(at));
    case GGUF_TYPE.uint32:
      return BigInt(data.readUInt32LE(at));
    case GGUF_TYPE.int32:
      return BigInt(data.readInt32LE(at));
    case GGUF_TYPE.uint64:
      return data.readBigUInt64LE(at);
    default:
      return data.readBigInt64LE(at);
  }
}

function readString(reader: Reader, skipped: boolean, what: string): GgufValue {
  const length = reader.len(what);
  // gguf-parser-go reads an empty string it does not skip as a whole pool buffer: Syft refuses it.
  if (length === 0n && !skipped) throw new GgufError(`${what}: empty string`);
  if (length > BigInt(MAX_GGUF_HEADER_BYTES)) throw new GgufError(`${what}: string length ${length} exceeds the header size`);
  if (skipped) {
    if (reader.skippedStringBudget === 0) throw new GgufError(`skipped strings exceed ${MAX_SKIPPED_STRINGS}`);
    reader.skippedStringBudget -= 1;
  } else reader.spendReadString(length);
  const start = reader.take(length, what);
  return { kind: 'string', bytes: trimSpace(reader.data.subarray(start, reader.at)) };
}

function readArray(reader: Reader, decoded: boolean, depth: number, key: string): GgufArray {
  const what = `the array of ${quote(key)}`;
  const startOffset = reader.at;
  const itemType = reader.u32(what);
  const length = reader.len(what);
  if (itemType >= SCALAR_SIZES.length) throw new GgufError(`${quote(key)}: invalid array item type ${itemType}`);
  if (decoded && length > BigInt(reader.decodedBudget)) throw new GgufError(`decoded arrays exceed ${MAX_DECODED_ITEMS} items`);
  if (itemType === GGUF_TYPE.array && (!decoded || depth >= MAX_ARRAY_DEPTH)) throw new GgufError(`${quote(key)}: unsupported nested array`);
  if (length > BigInt(MAX_GGUF_HEADER_BYTES)) throw new GgufError(`${quote(key)}: array length ${length} exceeds the header size`);
  const itemStart = reader.at;
  const scalarSize = SCALAR_SIZES[itemType] ?? 0;
  if (!decoded && scalarSize > 0) {
    reader.take(length * BigInt(scalarSize), what);
    return { kind: 'array', itemType, length, items: null, startOffset, size: reader.at - itemStart };
  }
  if (decoded) reader.decodedBudget -= Number(length);
  const items: GgufValue[] = [];
  for (let i = 0n; i < length; i += 1n) {
    const item = readValue(reader, itemType, decoded, depth + 1, key);
    if (decoded) items.push(item);
  }
  return { kind: 'array', itemType, length, items: decoded ? items : null, startOffset, size: reader.at - itemStart };
}

/** The keys gguf-parser-go reads with typed accessors, which fail on another type. */
function checkWellKnownKey(key: string, type: number, value: GgufValue): void {
  const numeric = type !== GGUF_TYPE.string && type !== GGUF_TYPE.array && type !== GGUF_TYPE.bool && type < SCALAR_SIZES.length;
  if (STRING_KEYS.has(key) && type !== GGUF_TYPE.string) throw new GgufError(`${quote(key)}: expected a string, got type ${type}`);
  if ((key === 'general.quantization_version' || key === 'general.file_type') && !numeric) throw new GgufError(`${quote(key)}: expected a number, got type ${type}`);
  if (key === 'general.alignment' && (type !== GGUF_TYPE.uint32 || numberOf(value) === 0)) throw new GgufError(`${quote(key)}: expected a non-zero uint32`);
  if (key === 'split.tensors.count') {
    if (!numeric) throw new GgufError(`${quote(key)}: expected a number, got type ${type}`);
    const count = numberOf(value);
    if (Number.isNaN(count) || count < 0 || count > MAX_SPLIT_TENSORS) throw new GgufError(`unreasonable split tensor count ${count}`);
  }
}

function numberOf(value: GgufValue): number {
  if (value.kind === 'integer') return Number(value.value);
  if (value.kind === 'float') return value.value;
  return Number.NaN;
}

const DIFFUSION_TENSOR_PREFIXES = ['model.diffusion_model.', 'double_blocks.', 'joint_blocks.', 'decoder.', 'encoder.', 'text_model.'];

function readTensorInfos(reader: Reader, count: bigint): GgufTensorSummary {
  const typeCounts = new Map<number, number>();
  const weightTypeCounts = new Map<number, number>();
  const add = (counts: Map<number, number>, type: number): void => {
    counts.set(type, (counts.get(type) ?? 0) + 1);
  };
  let diffusionNamed = false;
  let tokenEmbeddingType: number | null = null;
  let parameters = 0n;
  for (let i = 0n; i < count; i += 1n) {
    const { name, type, elements } = readTensorInfo(reader, i);
    parameters = (parameters + elements) & MASK_64;
    const weight = name.endsWith('.weight');
    if (name.startsWith('token_embd') || name.startsWith('blk.') || name.includes('_norm') || weight) add(typeCounts, type);
    if (weight) add(weightTypeCounts, type);
    if (tokenEmbeddingType === null && name === 'token_embd.weight') tokenEmbeddingType = type;
    diffusionNamed ||= DIFFUSION_TENSOR_PREFIXES.some((prefix) => name.startsWith(prefix));
  }
  return { diffusionNamed, typeCounts, weightTypeCounts, tokenEmbeddingType, parameters };
}

function readTensorInfo(reader: Reader, index: bigint): { name: string; type: number; elements: bigint } {
  const what = `tensor info ${index}`;
  const nameLength = reader.len(what);
  const nameStart = reader.take(nameLength, what);
  const name = trimSpace(reader.data.subarray(nameStart, reader.at)).toString('utf8');
  const dimensions = reader.u32(what);
  let elements = dimensions === 0 ? 0n : 1n;
  for (let i = 0; i < dimensions; i += 1) elements = (elements * reader.len(what)) & MASK_64;
  const type = reader.u32(what);
  if (type >= GGML_TYPE_COUNT) throw new GgufError(`tensor ${JSON.stringify(name.slice(0, 80))}: unsupported tensor type ${type}`);
  reader.u64(what);
  return { name, type, elements };
}
