/**
 * Does a zstd stream end where a frame ends? Node 22's zstd decoder ends without an error when its
 * input stops inside a frame — it hands on what it could decode, and a layer cut short reads as a
 * shorter layer — where Node 24's reports "unexpected end of file". Following the frame and block
 * headers (RFC 8878 §3.1) as the stored bytes pass tells the two apart on either: a few header bytes
 * read per block of up to 128 KiB, the block contents skipped.
 *
 * Frames may follow one another and skippable frames may come between them, as the decoder accepts.
 * Bytes that begin no frame this reader knows (a legacy format, garbage the decoder would refuse)
 * end the tracking: the decoder answers for them, and this reader claims nothing.
 */

const FRAME_MAGIC = 0xfd2fb528;
/** Skippable frames: magic 0x184D2A50 to 0x184D2A5F, then a 4-byte size, then that many bytes. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_TYPE_RLE = 1;
const BLOCK_TYPE_RESERVED = 3;

type Field = 'magic' | 'skippable-size' | 'frame-header' | 'block-header';
const GATHERING: Readonly<Record<Field, string>> = { magic: 'a frame magic number', 'skippable-size': 'a skippable frame', 'frame-header': 'a frame header', 'block-header': 'a frame' };

export class ZstdFrameTracker {
  /** The fixed-size field being gathered; 'magic' at a frame boundary. */
  #field: Field = 'magic';
  /** Bytes of the field still to gather (it is at most 4 bytes, then read as a number). */
  #want = 4;
  #have = 0;
  #value = 0;
  /** Bytes to pass over before the next field: block contents, optional header fields, checksums. */
  #skip = 0;
  /** Whether the current frame ends in a 4-byte content checksum. */
  #checksum = false;
  /** The bytes begin no frame this reader knows: it no longer judges. */
  #unknown = false;
  /** What the bytes being skipped belong to. */
  #inside = '';

  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length && !this.#unknown) {
      if (this.#skip > 0) {
        const step = Math.min(this.#skip, bytes.length - at);
        this.#skip -= step;
        at += step;
        continue;
      }
      // Little-endian, as every zstd header field is.
      this.#value += (bytes[at] ?? 0) * 2 ** (8 * this.#have);
      this.#have += 1;
      at += 1;
      if (this.#have === this.#want) this.#complete();
    }
  }

  /** Null when the bytes so far end at a frame boundary (or could not be followed); else what they end inside. */
  incomplete(): string | null {
    if (this.#unknown || (this.#field === 'magic' && this.#have === 0 && this.#skip === 0)) return null;
    return `the stream ends inside ${this.#skip > 0 ? this.#inside : GATHERING[this.#field]}`;
  }

  #expect(field: Field, bytes: number, skip: number, inside: string): void {
    this.#inside = inside;
    this.#field = field;
    this.#want = bytes;
    this.#have = 0;
    this.#value = 0;
    this.#skip = skip;
  }

  #complete(): void {
    const value = this.#value;
    switch (this.#field) {
      case 'magic':
        if (value === FRAME_MAGIC) {
          this.#expect('frame-header', 1, 0, 'a frame header');
        } else if ((value & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) this.#expect('skippable-size', 4, 0, 'a skippable frame');
        else this.#unknown = true;
        return;
      case 'skippable-size':
        this.#expect('magic', 4, value, 'a skippable frame');
        return;
      case 'frame-header': {
        // Frame_Header_Descriptor: FCS flag (bits 7-6), single segment (5), reserved (3), checksum (2), dictionary ID flag (1-0).
        if ((value & 0x08) !== 0) {
          this.#unknown = true;
          return;
        }
        const singleSegment = (value & 0x20) !== 0;
        const fcsFlag = value >> 6;
        const contentSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 2 ** fcsFlag;
        const dictionaryId = [0, 1, 2, 4][value & 0x03] ?? 0;
        this.#checksum = (value & 0x04) !== 0;
        this.#expect('block-header', 3, (singleSegment ? 0 : 1) + dictionaryId + contentSize, 'a frame header');
        return;
      }
      case 'block-header': {
        const last = (value & 1) === 1;
        const type = (value >> 1) & 3;
        const size = value >>> 3;
        if (type === BLOCK_TYPE_RESERVED) {
          this.#unknown = true;
          return;
        }
        const contents = type === BLOCK_TYPE_RLE ? 1 : size;
        if (last) this.#expect('magic', 4, contents + (this.#checksum ? 4 : 0), this.#checksum ? "a frame's last block or its checksum" : "a frame's last block");
        else this.#expect('block-header', 3, contents, 'a frame');
        return;
      }
    }
  }
}
