/**
 * Test helper: writes a minimal little-endian ELF64 file with the given sections (no program
 * headers, no code), enough for section lookup and address mapping. Written for these tests.
 */
export interface ElfSectionSpec {
  readonly name: string;
  readonly data: Buffer;
  readonly addr?: bigint;
  readonly writable?: boolean;
}

export function buildElf64(sections: readonly ElfSectionSpec[]): Buffer {
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const nameOffsets: number[] = [];
  let strtab = Buffer.alloc(0);
  for (const n of names) {
    nameOffsets.push(strtab.length);
    strtab = Buffer.concat([strtab, Buffer.from(n + '\0', 'latin1')]);
  }
  const parts: Buffer[] = [];
  let offset = 64;
  const placed: { offset: number; size: number }[] = [];
  for (const s of [...sections.map((x) => x.data), strtab]) {
    const pad = (16 - (offset % 16)) % 16;
    parts.push(Buffer.alloc(pad));
    offset += pad;
    placed.push({ offset, size: s.length });
    parts.push(s);
    offset += s.length;
  }
  const pad = (8 - (offset % 8)) % 8;
  parts.push(Buffer.alloc(pad));
  offset += pad;
  const shoff = offset;
  const shnum = names.length;
  const sh = Buffer.alloc(64 * shnum);
  for (let i = 1; i < shnum; i++) {
    const o = i * 64;
    const spec = sections[i - 1];
    const p = placed[i - 1]!;
    sh.writeUInt32LE(nameOffsets[i]!, o);
    sh.writeUInt32LE(spec ? 1 : 3, o + 4); // PROGBITS or STRTAB
    sh.writeBigUInt64LE(spec?.writable ? 3n : 2n, o + 8); // WRITE|ALLOC or ALLOC
    sh.writeBigUInt64LE(spec?.addr ?? 0n, o + 0x10);
    sh.writeBigUInt64LE(BigInt(p.offset), o + 0x18);
    sh.writeBigUInt64LE(BigInt(p.size), o + 0x20);
  }
  const hdr = Buffer.alloc(64);
  hdr.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  hdr.writeUInt16LE(2, 0x10); // ET_EXEC
  hdr.writeUInt16LE(0x3e, 0x12); // x86-64
  hdr.writeUInt32LE(1, 0x14);
  hdr.writeBigUInt64LE(BigInt(shoff), 0x28);
  hdr.writeUInt16LE(64, 0x34);
  hdr.writeUInt16LE(64, 0x3a);
  hdr.writeUInt16LE(shnum, 0x3c);
  hdr.writeUInt16LE(shnum - 1, 0x3e);
  return Buffer.concat([hdr, ...parts, sh]);
}
