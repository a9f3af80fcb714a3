/**
 * Finds every occurrence of many lowercase ASCII keywords in one pass over the bytes, ASCII
 * case-insensitively, with an Aho–Corasick automaton compiled to a dense transition table
 * (Aho & Corasick, "Efficient string matching", CACM 18(6), 1975). Files without a keyword are
 * never decoded to strings.
 */
export class KeywordIndex {
  readonly keywords: readonly string[];
  /**
   * Byte → class: bytes no keyword holds share class 0, and a letter its other case's class, so a
   * row of the table is as wide as the keywords' alphabet instead of 256. For the ~2,600 states of
   * the secret rules that is 2.6 MB → ~0.4 MB; the scan reads one table for a byte's class, as it
   * read one to fold its case.
   */
  private readonly classes: Uint8Array;
  private readonly width: number;
  private readonly delta: Int32Array;
  /** For each state: the first keyword id it ends, or -1. */
  private readonly out: Int32Array;
  /** Next state in the output chain (dictionary suffix link), or -1. */
  private readonly outLink: Int32Array;
  /** Every keyword is ASCII: `containsAny` may read a string's UTF-16 units for its UTF-8 bytes. */
  private readonly asciiKeywords: boolean;

  /**
   * Built once per process (every output is redacted), so in the interpreter, before V8 has
   * compiled any of it: the trie is flat typed arrays (a child table, and each state's children as a
   * linked list for the breadth-first pass) rather than a Map per state, and a state's row starts as
   * a native copy of its failure state's. For the secret rules' 423 keywords: 7-13 ms → ~2 ms.
   */
  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    let ascii = true;
    let length = 0;
    const classes = new Uint8Array(256);
    // At most 230 classes besides 0: case-folded, no letter takes two.
    let width = 1;
    for (const keyword of keywords) {
      length += keyword.length;
      for (let i = 0; i < keyword.length; i++) {
        const code = keyword.charCodeAt(i);
        if (code >= 0x80) ascii = false;
        const byte = lower(code & 0xff);
        if (classes[byte] === 0) classes[byte] = width++;
      }
    }
    for (let byte = 0x41; byte <= 0x5a; byte++) classes[byte] = classes[byte + 0x20] ?? 0;
    this.asciiKeywords = ascii;
    this.classes = classes;
    this.width = width;
    // The trie: a state per distinct keyword prefix, numbered in the order the prefixes first occur.
    const most = length + 1;
    const child = new Int32Array(most * width).fill(-1);
    const firstChild = new Int32Array(most).fill(-1);
    const sibling = new Int32Array(most).fill(-1);
    const symbolOf = new Int32Array(most);
    const ends = new Int32Array(most).fill(-1);
    let count = 1;
    for (let id = 0; id < keywords.length; id++) {
      const keyword = keywords[id] ?? '';
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const symbol = classes[lower(keyword.charCodeAt(i) & 0xff)] ?? 0;
        let next = child[state * width + symbol] ?? -1;
        if (next === -1) {
          next = count++;
          child[state * width + symbol] = next;
          symbolOf[next] = symbol;
          sibling[next] = firstChild[state] ?? -1;
          firstChild[state] = next;
        }
        state = next;
      }
      if (ends[state] === -1) ends[state] = id;
    }
    const delta = new Int32Array(count * width);
    this.delta = delta;
    this.out = ends.slice(0, count);
    this.outLink = new Int32Array(count).fill(-1);
    const fail = new Int32Array(count);
    const queue = new Int32Array(count);
    let tail = 0;
    for (let next = firstChild[0] ?? -1; next !== -1; next = sibling[next] ?? -1) {
      delta[symbolOf[next] ?? 0] = next;
      queue[tail++] = next;
    }
    // Breadth first: a failure state is shallower, so its row is complete before it is copied.
    for (let head = 0; head < tail; head++) {
      const state = queue[head] ?? 0;
      const f = fail[state] ?? 0;
      this.outLink[state] = this.out[f] !== -1 ? f : (this.outLink[f] ?? -1);
      delta.copyWithin(state * width, f * width, f * width + width);
      for (let next = firstChild[state] ?? -1; next !== -1; next = sibling[next] ?? -1) {
        const symbol = symbolOf[next] ?? 0;
        fail[next] = delta[f * width + symbol] ?? 0;
        delta[state * width + symbol] = next;
        queue[tail++] = next;
      }
    }
  }

  /**
   * Whether `text`, encoded as UTF-8, holds any keyword — without encoding it or allocating (the
   * output redactor asks this of every string of a report, and most hold none). With ASCII
   * keywords every byte of a non-ASCII character's UTF-8 form is ≥ 0x80 and in no keyword, so
   * from any state the first such byte leads back to the start and the rest keep it there: one
   * stands for all of them.
   */
  containsAny(text: string): boolean {
    if (!this.asciiKeywords) return this.scan(Buffer.from(text, 'utf8'), 1).size > 0;
    const { delta, out, outLink, classes, width } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = delta[state * width + (code < 0x80 ? (classes[code] ?? 0) : 0)] ?? 0;
      if (out[state] !== -1 || outLink[state] !== -1) return true;
    }
    return false;
  }

  /**
   * The ids of the keywords `text` holds, read as containsAny reads it (no encoding); null when a
   * keyword is not ASCII, for which only `scan` of the UTF-8 bytes answers.
   */
  keywordIdsIn(text: string): Set<number> | null {
    if (!this.asciiKeywords) return null;
    const { delta, out, outLink, classes, width } = this;
    const ids = new Set<number>();
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = delta[state * width + (code < 0x80 ? (classes[code] ?? 0) : 0)] ?? 0;
      for (let s = out[state] !== -1 ? state : (outLink[state] ?? -1); s !== -1; s = outLink[s] ?? -1) ids.add(out[s] ?? -1);
    }
    return ids;
  }

  /**
   * Start offsets of keyword hits, per keyword id. A hit closer than `spacing` bytes to the previous
   * recorded hit of the same keyword is not recorded (its window is already covered), which bounds
   * the number of windows on pathological files.
   */
  scan(bytes: Uint8Array, spacing: number): Map<number, number[]> {
    const hits = new Map<number, number[]>();
    const last = new Map<number, number>();
    const { delta, out, outLink, keywords, classes, width } = this;
    let state = 0;
    for (let i = 0; i < bytes.length; i++) {
      state = delta[state * width + classes[bytes[i]!]!]!;
      let s = out[state] !== -1 ? state : outLink[state]!;
      while (s !== -1) {
        const id = out[s]!;
        const start = i - keywords[id]!.length + 1;
        const prev = last.get(id);
        if (prev === undefined || start - prev >= spacing) {
          last.set(id, start);
          const list = hits.get(id);
          if (list === undefined) hits.set(id, [start]);
          else list.push(start);
        }
        s = outLink[s]!;
      }
    }
    return hits;
  }
}

function lower(byte: number): number {
  return byte >= 65 && byte <= 90 ? byte + 32 : byte;
}
