/**
 * Just enough of ELF, Mach-O and PE to find named sections and map virtual addresses to file
 * offsets, over an in-memory buffer. Every offset read from the file is checked against the
 * buffer: a corrupt header yields an error value, never an exception or an out-of-range read.
 *
 * Formats: ELF (System V gABI, https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.sheader.html),
 * Mach-O (<mach-o/loader.h>: LC_SEGMENT / LC_SEGMENT_64), PE/COFF
 * (https://learn.microsoft.com/windows/win32/debug/pe-format, section table).
 */

export type ExeFormat = 'elf' | 'macho' | 'pe';

export interface ExeSection {
  readonly name: string;
  /** File offset of the section's bytes (NOBITS sections have size 0 here). */
  readonly offset: number;
  readonly size: number;
  /** Virtual address the section is loaded at (PE: image base + RVA). */
  readonly addr: bigint;
  /** Section is writable (ELF SHF_WRITE, PE IMAGE_SCN_MEM_WRITE, Mach-O __DATA*). */
  readonly writable: boolean;
}

export interface ExeImage {
  readonly format: ExeFormat;
  readonly littleEndian: boolean;
  readonly ptrSize: 4 | 8;
  readonly sections: readonly ExeSection[];
}

export type ExeResult = { readonly ok: true; readonly image: ExeImage } | { readonly ok: false; readonly reason: string };

const MAX_SECTIONS = 4096;

/** The executable format by magic number, or null for anything else (scripts, data, snippets). */
export function detectExeFormat(buf: Uint8Array): ExeFormat | null {
  if (buf.length < 4) return null;
  if (buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46) return 'elf';
  if (buf[0] === 0x4d && buf[1] === 0x5a) return 'pe';
  const m = Buffer.from(buf.buffer, buf.byteOffset, 4).readUInt32BE(0);
  if (m === 0xfeedface || m === 0xfeedfacf || m === 0xcefaedfe || m === 0xcffaedfe) return 'macho';
  return null;
}

class Reader {
  constructor(
    readonly buf: Buffer,
    readonly le: boolean,
  ) {}
  has(off: number, len: number): boolean {
    return Number.isSafeInteger(off) && off >= 0 && len >= 0 && off + len <= this.buf.length;
  }
  u8(off: number): number {
    return this.buf.readUInt8(off);
  }
  u16(off: number): number {
    return this.le ? this.buf.readUInt16LE(off) : this.buf.readUInt16BE(off);
  }
  u32(off: number): number {
    return this.le ? this.buf.readUInt32LE(off) : this.buf.readUInt32BE(off);
  }
  u64(off: number): bigint {
    return this.le ? this.buf.readBigUInt64LE(off) : this.buf.readBigUInt64BE(off);
  }
  cstr(off: number, max: number): string {
    let end = off;
    const limit = Math.min(this.buf.length, off + max);
    while (end < limit && this.buf[end] !== 0) end++;
    return this.buf.toString('latin1', off, end);
  }
}

function toNumber(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

function fail(reason: string): ExeResult {
  return { ok: false, reason };
}

function parseElf(buf: Buffer): ExeResult {
  if (buf.length < 52) return fail('ELF header truncated');
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return fail('ELF header has an invalid class or data encoding');
  const is64 = cls === 2;
  const r = new Reader(buf, data === 1);
  if (is64 && buf.length < 64) return fail('ELF header truncated');
  const shoff = is64 ? toNumber(r.u64(0x28)) : r.u32(0x20);
  const shentsize = r.u16(is64 ? 0x3a : 0x2e);
  let shnum = r.u16(is64 ? 0x3c : 0x30);
  let shstrndx = r.u16(is64 ? 0x3e : 0x32);
  const minEnt = is64 ? 64 : 40;
  if (shoff === 0) return { ok: true, image: { format: 'elf', littleEndian: r.le, ptrSize: is64 ? 8 : 4, sections: [] } };
  if (shentsize < minEnt) return fail(`ELF section header entry size ${shentsize} is too small`);
  if (!r.has(shoff, shentsize)) return fail('ELF section header table lies outside the file');
  // Extended numbering: the real count / string-table index live in section 0.
  if (shnum === 0) shnum = toNumber(is64 ? r.u64(shoff + 0x20) : BigInt(r.u32(shoff + 0x14)));
  if (shstrndx === 0xffff) shstrndx = r.u32(shoff + (is64 ? 0x2c : 0x18));
  if (shnum > MAX_SECTIONS) return fail(`ELF declares ${shnum} sections (limit ${MAX_SECTIONS})`);
  if (!r.has(shoff, shnum * shentsize)) return fail('ELF section header table lies outside the file');
  interface Raw {
    nameOff: number;
    type: number;
    flags: bigint;
    addr: bigint;
    offset: number;
    size: number;
  }
  const raw: Raw[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push(
      is64
        ? { nameOff: r.u32(o), type: r.u32(o + 4), flags: r.u64(o + 8), addr: r.u64(o + 0x10), offset: toNumber(r.u64(o + 0x18)), size: toNumber(r.u64(o + 0x20)) }
        : { nameOff: r.u32(o), type: r.u32(o + 4), flags: BigInt(r.u32(o + 8)), addr: BigInt(r.u32(o + 0xc)), offset: r.u32(o + 0x10), size: r.u32(o + 0x14) },
    );
  }
  const strtab = raw[shstrndx];
  const strOk = strtab !== undefined && r.has(strtab.offset, strtab.size);
  const sections: ExeSection[] = [];
  for (const s of raw) {
    const nobits = s.type === 8;
    const inFile = !nobits && r.has(s.offset, s.size);
    const name = strOk && strtab && s.nameOff < strtab.size ? r.cstr(strtab.offset + s.nameOff, strtab.size - s.nameOff) : '';
    sections.push({ name, offset: inFile ? s.offset : 0, size: inFile ? s.size : 0, addr: s.addr, writable: (s.flags & 1n) !== 0n });
  }
  return { ok: true, image: { format: 'elf', littleEndian: r.le, ptrSize: is64 ? 8 : 4, sections } };
}

function parsePe(buf: Buffer): ExeResult {
  const r = new Reader(buf, true);
  if (!r.has(0x3c, 4)) return fail('PE DOS header truncated');
  const pe = r.u32(0x3c);
  if (!r.has(pe, 24) || buf.toString('latin1', pe, pe + 4) !== 'PE\0\0') return fail('PE signature missing');
  const nsec = r.u16(pe + 6);
  const optSize = r.u16(pe + 20);
  const opt = pe + 24;
  if (!r.has(opt, Math.max(optSize, 2))) return fail('PE optional header truncated');
  const magic = r.u16(opt);
  const is64 = magic === 0x20b;
  if (!is64 && magic !== 0x10b) return fail(`PE optional header magic 0x${magic.toString(16)} unknown`);
  if (!r.has(opt, is64 ? 32 : 32)) return fail('PE optional header truncated');
  const imageBase = is64 ? r.u64(opt + 24) : BigInt(r.u32(opt + 28));
  const secTable = opt + optSize;
  if (nsec > MAX_SECTIONS || !r.has(secTable, nsec * 40)) return fail('PE section table lies outside the file');
  const sections: ExeSection[] = [];
  for (let i = 0; i < nsec; i++) {
    const o = secTable + i * 40;
    const name = r.cstr(o, 8);
    const vaddr = r.u32(o + 12);
    const rawSize = r.u32(o + 16);
    const rawPtr = r.u32(o + 20);
    const chars = r.u32(o + 36);
    const inFile = r.has(rawPtr, rawSize);
    sections.push({ name, offset: inFile ? rawPtr : 0, size: inFile ? rawSize : 0, addr: imageBase + BigInt(vaddr), writable: (chars & 0x80000000) !== 0 });
  }
  return { ok: true, image: { format: 'pe', littleEndian: true, ptrSize: is64 ? 8 : 4, sections } };
}

function parseMachO(buf: Buffer): ExeResult {
  if (buf.length < 28) return fail('Mach-O header truncated');
  const m = buf.readUInt32BE(0);
  const le = m === 0xcefaedfe || m === 0xcffaedfe;
  const is64 = m === 0xfeedfacf || m === 0xcffaedfe;
  const r = new Reader(buf, le);
  const ncmds = r.u32(16);
  const sizeofcmds = r.u32(20);
  let off = is64 ? 32 : 28;
  if (ncmds > MAX_SECTIONS || !r.has(off, sizeofcmds)) return fail('Mach-O load commands lie outside the file');
  const end = off + sizeofcmds;
  const sections: ExeSection[] = [];
  for (let i = 0; i < ncmds; i++) {
    if (off + 8 > end) return fail('Mach-O load command truncated');
    const cmd = r.u32(off);
    const size = r.u32(off + 4);
    if (size < 8 || off + size > end) return fail('Mach-O load command size invalid');
    const seg64 = cmd === 0x19;
    if (cmd === 0x1 || seg64) {
      const segname = r.cstr(off + 8, 16);
      const nsects = r.u32(off + (seg64 ? 64 : 48));
      const secStart = off + (seg64 ? 72 : 56);
      const secSize = seg64 ? 80 : 68;
      if (secStart + nsects * secSize > off + size) return fail('Mach-O section table truncated');
      for (let s = 0; s < nsects && sections.length < MAX_SECTIONS; s++) {
        const so = secStart + s * secSize;
        const sectname = r.cstr(so, 16);
        const addr = seg64 ? r.u64(so + 32) : BigInt(r.u32(so + 32));
        const sz = seg64 ? toNumber(r.u64(so + 40)) : r.u32(so + 36);
        const fo = r.u32(so + (seg64 ? 48 : 40));
        const flags = r.u32(so + (seg64 ? 64 : 56));
        const zerofill = (flags & 0xff) === 1;
        const inFile = !zerofill && r.has(fo, sz);
        sections.push({ name: `${segname},${sectname}`, offset: inFile ? fo : 0, size: inFile ? sz : 0, addr, writable: segname.startsWith('__DATA') });
      }
    }
    off += size;
  }
  return { ok: true, image: { format: 'macho', littleEndian: le, ptrSize: is64 ? 8 : 4, sections } };
}

/** Parse the section table of an executable; never throws. */
export function parseExe(buf: Buffer): ExeResult {
  try {
    switch (detectExeFormat(buf)) {
      case 'elf':
        return parseElf(buf);
      case 'pe':
        return parsePe(buf);
      case 'macho':
        return parseMachO(buf);
      case null:
        return fail('not an ELF, Mach-O or PE file');
    }
  } catch (err) {
    // Defensive: every read above is range-checked; a RangeError here is a bug, not bad input.
    return fail(`executable header unreadable: ${(err as Error).message}`);
  }
}

/** The first section with one of the given names (Mach-O names are `segment,section`). */
export function findSection(image: ExeImage, ...names: string[]): ExeSection | undefined {
  return image.sections.find((s) => names.includes(s.name) && s.size > 0);
}

/** File bytes at a virtual address, or null when no section in the file covers [addr, addr+size). */
export function readAtAddress(buf: Buffer, image: ExeImage, addr: bigint, size: number): Buffer | null {
  if (size < 0) return null;
  for (const s of image.sections) {
    if (s.size === 0 || addr < s.addr) continue;
    const rel = addr - s.addr;
    if (rel + BigInt(size) > BigInt(s.size)) continue;
    const start = s.offset + Number(rel);
    return buf.subarray(start, start + size);
  }
  return null;
}
