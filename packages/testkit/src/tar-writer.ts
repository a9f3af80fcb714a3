/**
 * Writes tar archives for tests, including ones no honest tool writes: absolute and `..`
 * names, links out of the root, lying sizes, base-256 fields, PAX and GNU long-name records.
 */
export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo';

export interface TarEntrySpec {
  readonly name: string;
  readonly type?: TarEntryType;
  readonly content?: string | Uint8Array;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly linkTarget?: string;
  readonly mtime?: number;
  /** Write the size field as this value instead of the content length (a lying header). */
  readonly declaredSize?: number;
  /** Encode the size in GNU base-256 form. */
  readonly base256Size?: boolean;
  /** How to carry a name longer than 100 bytes: PAX `path` record (default) or a GNU `L` entry. */
  readonly longNames?: 'pax' | 'gnu';
  /** Store the file as a sparse member (`content` is then ignored). */
  readonly sparse?: SparseSpec;
}

/**
 * A sparse member in one of the formats GNU tar writes (`--sparse --format=gnu`, or
 * `--format=posix --sparse-version=0.0|0.1|1.0`). The map lists `regions` in the given order, so
 * hostile maps (unsorted, overlapping, out of range, lying lengths) are one spec away.
 */
export interface SparseSpec {
  readonly format: 'gnu' | 'pax-0.0' | 'pax-0.1' | 'pax-1.0';
  readonly realSize: number;
  /** Data regions: `data` is stored; the map claims `length` (default: the data's length) at `offset`. */
  readonly regions: readonly { readonly offset: number; readonly data?: string | Uint8Array; readonly length?: number }[];
  /** pax-1.0: the map text written at the start of the data instead of the one built from `regions`. */
  readonly mapText?: string;
  /** pax-0.x: the GNU.sparse.numblocks value instead of the number of regions. */
  readonly numBlocks?: string;
  /** pax-0.x and pax-1.0: the name in the ustar header (GNU tar writes `<dir>/GNUSparseFile.<pid>/<name>`). */
  readonly storedName?: string;
}

const BLOCK = 512;
const TYPE_FLAGS: Record<TarEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  'char-device': '3',
  'block-device': '4',
  dir: '5',
  fifo: '6',
};

function toBytes(content: string | Uint8Array | undefined): Buffer {
  if (content === undefined) return Buffer.alloc(0);
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'latin1');
}

function writeBase256(block: Buffer, offset: number, length: number, value: number): void {
  let v = BigInt(value);
  for (let i = offset + length - 1; i > offset; i -= 1) {
    block[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  block[offset] = 0x80;
}

function header(spec: {
  name: string;
  type: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname: string;
  base256Size: boolean;
  /** Old GNU header (`ustar  \0` magic); `fill` writes extra fields before the checksum. */
  gnu?: boolean;
  fill?: (block: Buffer) => void;
}): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(spec.name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, spec.mode);
  writeOctal(block, 108, 8, spec.uid);
  writeOctal(block, 116, 8, spec.gid);
  if (spec.base256Size || spec.size > 0o77777777777) writeBase256(block, 124, 12, spec.size);
  else writeOctal(block, 124, 12, spec.size);
  writeOctal(block, 136, 12, spec.mtime);
  block.write(spec.type, 156, 1, 'latin1');
  block.write(spec.linkname, 157, 100, 'utf8');
  if (spec.gnu === true) {
    block.write('ustar  \0', 257, 8, 'latin1');
  } else {
    block.write('ustar\0', 257, 6, 'latin1');
    block.write('00', 263, 2, 'latin1');
  }
  spec.fill?.(block);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return block;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length += 1;
  return `${length}${body}`;
}

/** One tar archive (uncompressed) with the end-of-archive blocks. */
export function writeTar(entries: readonly TarEntrySpec[], options: { endBlocks?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) parts.push(...entryBlocks(entry));
  if (options.endBlocks !== false) parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function entryBlocks(entry: TarEntrySpec): Buffer[] {
  const type = entry.type ?? 'file';
  const content = type === 'file' ? toBytes(entry.content) : Buffer.alloc(0);
  const linkname = entry.linkTarget ?? '';
  const base = {
    mode: entry.mode ?? (type === 'dir' ? 0o755 : 0o644),
    uid: entry.uid ?? 0,
    gid: entry.gid ?? 0,
    mtime: entry.mtime ?? 0,
    base256Size: entry.base256Size ?? false,
  };
  const blocks: Buffer[] = [];
  let name = entry.name;
  let link = linkname;
  const nameTooLong = Buffer.byteLength(name) > 99;
  const linkTooLong = Buffer.byteLength(link) > 99;
  if (nameTooLong || linkTooLong) {
    if ((entry.longNames ?? 'pax') === 'gnu') {
      if (nameTooLong) {
        const data = Buffer.from(name + '\0');
        blocks.push(header({ ...base, name: '././@LongLink', type: 'L', size: data.length, linkname: '' }), pad(data));
        name = name.slice(0, 99);
      }
      if (linkTooLong) {
        const data = Buffer.from(link + '\0');
        blocks.push(header({ ...base, name: '././@LongLink', type: 'K', size: data.length, linkname: '' }), pad(data));
        link = link.slice(0, 99);
      }
    } else {
      let records = '';
      if (nameTooLong) records += paxRecord('path', name);
      if (linkTooLong) records += paxRecord('linkpath', link);
      const data = Buffer.from(records);
      blocks.push(header({ ...base, name: 'PaxHeader', type: 'x', size: data.length, linkname: '' }), pad(data));
      if (nameTooLong) name = name.slice(0, 99);
      if (linkTooLong) link = link.slice(0, 99);
    }
  }
  if (entry.sparse !== undefined) {
    blocks.push(...sparseBlocks(entry.sparse, { ...base, name, linkname: link }, entry.declaredSize));
    return blocks;
  }
  blocks.push(header({ ...base, name, type: TYPE_FLAGS[type], size: entry.declaredSize ?? content.length, linkname: link }));
  if (content.length > 0) blocks.push(pad(content));
  return blocks;
}

type BaseHeader = { name: string; linkname: string; mode: number; uid: number; gid: number; mtime: number; base256Size: boolean };

function sparseBlocks(spec: SparseSpec, base: BaseHeader, declaredSize: number | undefined): Buffer[] {
  const data = Buffer.concat(spec.regions.map((r) => toBytes(r.data)));
  const map = spec.regions.map((r) => ({ offset: r.offset, length: r.length ?? toBytes(r.data).length }));
  const blocks: Buffer[] = [];
  if (spec.format === 'gnu') {
    // Old GNU: 4 map entries (12-byte offset, 12-byte length) at 386, isextended at 482, realsize at 483;
    // then extension blocks of 21 entries with isextended at 504.
    const entryAt = (block: Buffer, at: number, e: { offset: number; length: number }) => {
      writeOctal(block, at, 12, e.offset);
      writeOctal(block, at + 12, 12, e.length);
    };
    const first = map.slice(0, 4);
    let rest = map.slice(4);
    blocks.push(
      header({
        ...base,
        type: 'S',
        size: declaredSize ?? data.length,
        gnu: true,
        fill: (block) => {
          first.forEach((e, i) => entryAt(block, 386 + i * 24, e));
          block[482] = rest.length > 0 ? 1 : 0;
          writeOctal(block, 483, 12, spec.realSize);
        },
      }),
    );
    while (rest.length > 0) {
      const ext = Buffer.alloc(BLOCK);
      rest.slice(0, 21).forEach((e, i) => entryAt(ext, i * 24, e));
      rest = rest.slice(21);
      ext[504] = rest.length > 0 ? 1 : 0;
      blocks.push(ext);
    }
    if (data.length > 0) blocks.push(pad(data));
    return blocks;
  }
  const stored = spec.storedName ?? `GNUSparseFile.0/${base.name}`;
  let records = '';
  let body = data;
  if (spec.format === 'pax-0.0') {
    records += paxRecord('GNU.sparse.size', String(spec.realSize));
    records += paxRecord('GNU.sparse.numblocks', spec.numBlocks ?? String(map.length));
    for (const e of map) records += paxRecord('GNU.sparse.offset', String(e.offset)) + paxRecord('GNU.sparse.numbytes', String(e.length));
  } else if (spec.format === 'pax-0.1') {
    records += paxRecord('GNU.sparse.size', String(spec.realSize));
    records += paxRecord('GNU.sparse.numblocks', spec.numBlocks ?? String(map.length));
    records += paxRecord('GNU.sparse.name', base.name);
    records += paxRecord('GNU.sparse.map', map.map((e) => `${e.offset},${e.length}`).join(','));
  } else {
    records += paxRecord('GNU.sparse.major', '1') + paxRecord('GNU.sparse.minor', '0');
    records += paxRecord('GNU.sparse.name', base.name);
    records += paxRecord('GNU.sparse.realsize', String(spec.realSize));
    const text = spec.mapText ?? [String(map.length), ...map.flatMap((e) => [String(e.offset), String(e.length)])].join('\n') + '\n';
    body = Buffer.concat([pad(Buffer.from(text, 'latin1')), data]);
  }
  const pax = Buffer.from(records);
  blocks.push(header({ ...base, name: 'PaxHeader', type: 'x', size: pax.length, linkname: '' }), pad(pax));
  const name = spec.format === 'pax-0.0' ? base.name : stored;
  blocks.push(header({ ...base, name: name.slice(0, 99), type: '0', size: declaredSize ?? body.length }));
  if (body.length > 0) blocks.push(pad(body));
  return blocks;
}

/** Deterministic bytes that do not compress (a xorshift stream): layer and blob bodies for tests. */
export function noiseBytes(n: number, seed = 0x2545f491): Buffer {
  const out = Buffer.alloc(n);
  let x = seed | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
