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
