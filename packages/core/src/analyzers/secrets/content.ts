/** How the scanner treats a file's bytes: text (UTF-8 or a single-byte encoding), re-encoded UTF-16, or binary. */
export interface PreparedContent {
  readonly bytes: Buffer;
  readonly binary: boolean;
  readonly encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'binary';
}

/** Bytes inspected to decide whether a file is binary. */
export const SNIFF_BYTES = 8 * 1024;

/** Share of the sniffed bytes that may be control characters or invalid UTF-8 before a file counts as binary. */
const BINARY_RATIO = 0.1;

/**
 * Decide how to scan `body`. UTF-16 with a byte-order mark is re-encoded to UTF-8 (keyword search
 * runs on bytes); a NUL byte or too many control bytes / invalid UTF-8 sequences in the first
 * 8 KiB mark a file binary. Latin-1 text has a few invalid sequences and stays text.
 */
export function prepareContent(body: Buffer, sniff: Buffer = body.subarray(0, SNIFF_BYTES)): PreparedContent {
  if (body.length >= 2) {
    const b0 = body[0];
    const b1 = body[1];
    if (b0 === 0xff && b1 === 0xfe) return utf16(body.subarray(2), 'utf-16le');
    if (b0 === 0xfe && b1 === 0xff) return utf16(body.subarray(2), 'utf-16be');
  }
  const binary = looksBinary(sniff.subarray(0, SNIFF_BYTES));
  return { bytes: body, binary, encoding: binary ? 'binary' : 'utf-8' };
}

function utf16(body: Buffer, encoding: 'utf-16le' | 'utf-16be'): PreparedContent {
  const even = body.subarray(0, body.length - (body.length % 2));
  let text: string;
  if (encoding === 'utf-16le') text = even.toString('utf16le');
  else {
    const swapped = Buffer.from(even);
    swapped.swap16();
    text = swapped.toString('utf16le');
  }
  return { bytes: Buffer.from(text, 'utf8'), binary: false, encoding };
}

export function looksBinary(sample: Buffer): boolean {
  if (sample.length === 0) return false;
  let suspicious = 0;
  let i = 0;
  while (i < sample.length) {
    const b = sample[i]!;
    if (b === 0) return true;
    if (b < 0x80) {
      // Control characters other than tab, line feed, vertical tab, form feed, carriage return, escape.
      if (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) suspicious++;
      i++;
      continue;
    }
    const need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1;
    if (need < 0 || b > 0xf4) {
      suspicious++;
      i++;
      continue;
    }
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const c = sample[i + k];
      if (c === undefined) break; // cut at the sniff boundary: not evidence either way
      if ((c & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
    }
    if (ok) i += need + 1;
    else {
      suspicious++;
      i++;
    }
  }
  return suspicious / sample.length > BINARY_RATIO;
}
