/** Lines of a byte stream (LF or CRLF), each bounded: a longer line throws. */
export async function* lines(chunks: AsyncIterable<Uint8Array | string>, maxLineChars = 1024 * 1024): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = rest.indexOf('\n', start); nl !== -1; nl = rest.indexOf('\n', start)) {
      const line = rest.slice(start, nl);
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
      start = nl + 1;
    }
    rest = rest.slice(start);
    if (rest.length > maxLineChars) throw new Error(`line longer than ${maxLineChars} characters`);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}
