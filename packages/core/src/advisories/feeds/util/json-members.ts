/**
 * Streams the members of one container of a large JSON document without parsing the whole
 * document: `path` names object keys from the root down to the container (an object or array);
 * each member is yielded as its own JSON text (with its key, for objects) and parsed by the
 * caller, one record at a time. Used for multi-record feeds (Debian tracker JSON, NVD, KEV,
 * npm index.json) so memory stays bounded by the largest record, not the feed.
 *
 * The scanner tracks only strings, escapes and bracket depth; it does not validate the JSON
 * outside the members (a member that is not valid JSON fails at the caller's JSON.parse, and is
 * skipped there). A member longer than `maxMemberChars` throws, as does a key longer than 4 KiB
 * and a document that ends inside a container (after the complete members were yielded).
 */
export interface JsonMember {
  readonly key: string | null;
  readonly text: string;
}

interface Frame {
  readonly object: boolean;
  key: string | null;
  expectKey: boolean;
}

const MAX_KEY_CHARS = 4096;

export async function* jsonMembers(chunks: AsyncIterable<Uint8Array | string>, path: readonly string[], options: { maxMemberChars?: number } = {}): AsyncGenerator<JsonMember> {
  const maxMember = options.maxMemberChars ?? 64 * 1024 * 1024;
  const target = path.length + 1;
  const decoder = new TextDecoder('utf-8');
  const stack: Frame[] = [];
  let inString = false;
  let escape = false;
  let keyParts: string | null = null; // collecting an object key at depth ≤ target
  let capturing = false;
  let captureKey: string | null = null;
  let captureDepth = 0; // stack length when the member started
  let primitive = false;
  let parts: string[] = [];
  let captured = 0;
  let out: JsonMember[] = [];

  const onPath = (): boolean => {
    if (stack.length !== target) return false;
    for (let k = 0; k < path.length; k++) if (stack[k]?.key !== path[k]) return false;
    return true;
  };

  const finish = (chunk: string, start: number, endExclusive: number): void => {
    parts.push(chunk.slice(start, endExclusive));
    const text = parts.join('');
    if (text.length > maxMember) throw new Error(`JSON member ${captureKey ?? ''} exceeds ${maxMember} characters`);
    out.push({ key: captureKey, text });
    parts = [];
    captured = 0;
    capturing = false;
    primitive = false;
  };

  const feed = (chunk: string): void => {
    let start = capturing ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (inString) {
        if (escape) escape = false;
        else if (c === 92) escape = true;
        else if (c === 34) {
          inString = false;
          if (keyParts !== null) {
            const frame = stack[stack.length - 1];
            if (frame !== undefined) frame.key = JSON.parse(`"${keyParts}"`) as string;
            keyParts = null;
            continue;
          }
          if (capturing && stack.length === captureDepth) {
            finish(chunk, start, i + 1);
            start = -1;
          }
          continue;
        }
        if (keyParts !== null) {
          keyParts += chunk[i];
          if (keyParts.length > MAX_KEY_CHARS) throw new Error('JSON key too long');
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        if (primitive && capturing) {
          finish(chunk, start, i);
          start = -1;
        }
        continue;
      }
      const frame = stack[stack.length - 1];
      if (c === 34 && frame !== undefined && frame.object && frame.expectKey) {
        inString = true;
        keyParts = stack.length <= target ? '' : null;
        if (keyParts === null) {
          // a key deeper than the members: part of a captured member, no tracking needed
        }
        continue;
      }
      if (c === 58) {
        if (frame !== undefined) frame.expectKey = false;
        continue;
      }
      if (c === 44) {
        if (primitive && capturing) {
          finish(chunk, start, i);
          start = -1;
        }
        if (frame !== undefined && frame.object) frame.expectKey = true;
        continue;
      }
      if (c === 125 || c === 93) {
        if (primitive && capturing) {
          finish(chunk, start, i);
          start = -1;
        }
        stack.pop();
        if (capturing && stack.length === captureDepth) {
          finish(chunk, start, i + 1);
          start = -1;
        }
        continue;
      }
      // The start of a value: a string, container or primitive.
      if (!capturing && onPath()) {
        capturing = true;
        captureKey = frame?.object === true ? frame.key : null;
        captureDepth = stack.length;
        start = i;
        primitive = c !== 34 && c !== 123 && c !== 91;
      }
      if (c === 34) inString = true;
      else if (c === 123) stack.push({ object: true, key: null, expectKey: true });
      else if (c === 91) stack.push({ object: false, key: null, expectKey: false });
    }
    if (capturing && start >= 0) {
      parts.push(chunk.slice(start));
      captured += n - start;
      if (captured > maxMember) throw new Error(`JSON member ${captureKey ?? ''} exceeds ${maxMember} characters`);
    }
  };

  for await (const chunk of chunks) {
    feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  feed(decoder.decode());
  if (primitive && capturing) finish('', 0, 0);
  yield* out;
  if (stack.length > 0 || inString) throw new Error('JSON ends early (truncated)');
}
