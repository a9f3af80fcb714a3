/**
 * Pull-based reader over an async iterable of chunks. Reads of header-sized pieces are
 * zero-copy when they fall inside one chunk; skipped bodies are never copied.
 *
 * Chunks may be lent (LayerRef.openBlob): valid until the reader asks for the second chunk after
 * them. A view returned by `tryRead` or `read` is therefore valid until the reader moves two
 * chunks on; a read across chunks is copied into a buffer of its own as it goes.
 */
export class ByteReader {
  readonly #iterator: AsyncIterator<Buffer>;
  #chunk: Buffer = Buffer.alloc(0);
  #offset = 0;
  #done = false;
  /** Bytes consumed so far (the position in the stream). */
  position = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  async #fill(): Promise<boolean> {
    while (this.#offset >= this.#chunk.length) {
      if (this.#done) return false;
      const next = await this.#iterator.next();
      if (next.done === true) {
        this.#done = true;
        return false;
      }
      this.#chunk = next.value;
      this.#offset = 0;
    }
    return true;
  }

  /** `n` bytes when the current chunk holds them (no await, no copy), else null: a fast path for `read`. */
  tryRead(n: number): Buffer | null {
    if (this.#chunk.length - this.#offset < n) return null;
    const out = this.#chunk.subarray(this.#offset, this.#offset + n);
    this.#offset += n;
    this.position += n;
    return out;
  }

  /** Skip `n` bytes when the current chunk holds them; false when `skip` must be awaited instead. */
  trySkip(n: number): boolean {
    if (this.#chunk.length - this.#offset < n) return false;
    this.#offset += n;
    this.position += n;
    return true;
  }

  /** Exactly `n` bytes, or fewer at end of stream. */
  async read(n: number): Promise<Buffer> {
    if (!(await this.#fill())) return Buffer.alloc(0);
    if (this.#chunk.length - this.#offset >= n) {
      const out = this.#chunk.subarray(this.#offset, this.#offset + n);
      this.#offset += n;
      this.position += n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n && (await this.#fill())) {
      const take = Math.min(n - got, this.#chunk.length - this.#offset);
      this.#chunk.copy(out, got, this.#offset, this.#offset + take);
      this.#offset += take;
      got += take;
    }
    this.position += got;
    return got === n ? out : out.subarray(0, got);
  }

  /** Skip `n` bytes; returns how many were skipped (fewer at end of stream). */
  async skip(n: number): Promise<number> {
    let remaining = n;
    while (remaining > 0 && (await this.#fill())) {
      const take = Math.min(remaining, this.#chunk.length - this.#offset);
      this.#offset += take;
      remaining -= take;
    }
    this.position += n - remaining;
    return n - remaining;
  }

  /** Consume everything left (so digests over the whole stream complete). */
  async drain(): Promise<void> {
    while (await this.#fill()) {
      this.position += this.#chunk.length - this.#offset;
      this.#offset = this.#chunk.length;
    }
  }

  /** Stop the underlying iterator early (closes files and decompressors). */
  async close(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      await this.#iterator.return?.();
    }
  }
}
