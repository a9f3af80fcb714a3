/**
 * `data` in chunks of `size` bytes, lent as LayerRef.openBlob lends them: each chunk is valid
 * only until the consumer asks for the second chunk after it, and is then overwritten with 0xEE,
 * so a consumer that keeps a chunk longer without copying it sees garbage.
 */
export async function* lentChunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  const handedOut: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) {
    // Each chunk comes on a later turn of the event loop, as a file's would.
    await Promise.resolve();
    handedOut.at(-2)?.fill(0xee);
    const chunk = Buffer.from(data.subarray(offset, offset + size));
    handedOut.push(chunk);
    if (handedOut.length > 2) handedOut.shift();
    yield chunk;
  }
  // Asking past the end is asking for the next chunk: the one before the last is released.
  handedOut.at(-2)?.fill(0xee);
}

export interface LentReading {
  readonly chunks: number;
  readonly bytes: number;
  /** How many distinct buffers the chunks were views of. */
  readonly buffers: number;
  /** Chunk indexes whose buffer was that of the chunk three before (a ring of three used again). */
  readonly reusedAfterThree: number;
  /** The first chunk that did not hold `expected`'s bytes when it came, or whose predecessor had changed by then. */
  readonly firstMismatch: string | null;
}

/**
 * Read `chunks` as a consumer of lent chunks may, holding the one before while the next comes:
 * each is checked against `expected` when it arrives, and its predecessor again at that moment.
 */
export async function readLentChunks(chunks: AsyncIterable<Buffer>, expected: Buffer): Promise<LentReading> {
  const seen: Buffer[] = [];
  let offset = 0;
  let firstMismatch: string | null = null;
  for await (const chunk of chunks) {
    if (firstMismatch === null && !chunk.equals(expected.subarray(offset, offset + chunk.length))) firstMismatch = `chunk ${seen.length} at byte ${offset}`;
    const previous = seen.at(-1);
    if (firstMismatch === null && previous !== undefined && !previous.equals(expected.subarray(offset - previous.length, offset))) {
      firstMismatch = `chunk ${seen.length - 1} changed when chunk ${seen.length} came`;
    }
    seen.push(chunk);
    offset += chunk.length;
  }
  return {
    chunks: seen.length,
    bytes: offset,
    buffers: new Set(seen.map((c) => c.buffer)).size,
    reusedAfterThree: seen.filter((c, i) => i >= 3 && c.buffer === seen[i - 3]?.buffer).length,
    firstMismatch,
  };
}
