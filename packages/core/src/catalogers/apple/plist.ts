import { parseXml } from '../java/mini-xml.js';
import type { XmlElement } from '../java/mini-xml.js';

/*
 * Property lists in their text forms, read as data: XML (`<plist><dict>…`, through the bounded
 * XML reader of the java catalogers, which skips the DOCTYPE and expands no entities) and the
 * OpenStep/GNUstep text form (`{ key = value; }`, `( a, b )`, `<hex data>`, `<*I12>`, comments,
 * and the `.strings` form of `key = value;` pairs without braces). Hand-written because no
 * maintained npm library for property lists is among this package's dependencies. The format
 * is chosen as Syft's reader (howett.net/plist) chooses it: XML when the text holds an XML plist,
 * else the text form. Bounds: nesting at most MAX_DEPTH deep, MAX_VALUES values in all.
 */

const MAX_DEPTH = 128;
const MAX_VALUES = 200_000;

export type PlistValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'integer' | 'real'; readonly text: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'date' | 'data' | 'uid' | 'null' }
  | { readonly kind: 'array'; readonly items: readonly PlistValue[] }
  | PlistDict;

export interface PlistDict {
  readonly kind: 'dict';
  readonly entries: ReadonlyMap<string, PlistValue>;
}

export class PlistError extends Error {}

export const EMPTY_DICT: PlistDict = { kind: 'dict', entries: new Map() };

/** Text of a plist file: UTF-8 (BOM dropped) or UTF-16 with a byte-order mark. */
export function plistText(content: Buffer): string {
  if (content[0] === 0xfe && content[1] === 0xff) {
    const swapped = Buffer.from(content.subarray(2, content.length - (content.length % 2)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  if (content[0] === 0xff && content[1] === 0xfe) return content.subarray(2).toString('utf16le');
  const text = content.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The top value of a text plist (XML or OpenStep); throws PlistError. */
export function readTextPlist(text: string): PlistValue {
  const xml = parseXml(text);
  if (!('error' in xml) && XML_VALUE_ELEMENTS.has(xml.name)) return fromXmlRoot(xml);
  try {
    return readOpenStep(text);
  } catch (error) {
    if (!(error instanceof PlistError)) throw error;
    // Text that starts as XML is reported with what is wrong with it as XML.
    if ('error' in xml && /^\s*<[?!a-zA-Z]/.test(text)) throw new PlistError(`invalid XML plist: ${xml.error}`);
    if (!('error' in xml)) throw new PlistError(`not a property list: XML root <${xml.name.slice(0, 40)}>`);
    throw error;
  }
}

const XML_VALUE_ELEMENTS = new Set(['plist', 'dict', 'array', 'string', 'integer', 'real', 'true', 'false', 'date', 'data']);

function fromXmlRoot(root: XmlElement): PlistValue {
  const counter = { values: 0 };
  if (root.name !== 'plist') return fromXml(root, 0, counter);
  const first = root.children[0];
  return first === undefined ? EMPTY_DICT : fromXml(first, 0, counter);
}

function fromXml(el: XmlElement, depth: number, counter: { values: number }): PlistValue {
  if (depth > MAX_DEPTH) throw new PlistError(`nested deeper than ${MAX_DEPTH}`);
  if ((counter.values += 1) > MAX_VALUES) throw new PlistError(`more than ${MAX_VALUES} values`);
  const text = el.text;
  switch (el.name) {
    case 'string':
      return { kind: 'string', value: text };
    case 'integer': {
      const trimmed = text.trim();
      if (!/^[+-]?(?:0x[0-9a-fA-F]+|\d+)$/.test(trimmed)) throw new PlistError(`invalid <integer> ${JSON.stringify(trimmed.slice(0, 40))}`);
      return { kind: 'integer', text: trimmed };
    }
    case 'real': {
      const trimmed = text.trim();
      if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$/i.test(trimmed)) throw new PlistError(`invalid <real> ${JSON.stringify(trimmed.slice(0, 40))}`);
      return { kind: 'real', text: trimmed };
    }
    case 'true':
    case 'false':
      return { kind: 'bool', value: el.name === 'true' };
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(text.trim())) throw new PlistError(`invalid <date> ${JSON.stringify(text.trim().slice(0, 40))}`);
      return { kind: 'date' };
    case 'data':
      if (!isBase64(text.replace(/[\t\n\r ]/g, ''))) throw new PlistError('invalid base64 in <data>');
      return { kind: 'data' };
    case 'array':
      return { kind: 'array', items: el.children.map((child) => fromXml(child, depth + 1, counter)) };
    case 'dict':
      return xmlDict(el, depth, counter);
    default:
      throw new PlistError(`unknown element <${el.name.slice(0, 40)}>`);
  }
}

/** Standard base64 with its padding, as Go's decoder wants it. */
function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

/** `<key>` and value elements in turn; a later key replaces an earlier one. */
function xmlDict(el: XmlElement, depth: number, counter: { values: number }): PlistDict {
  const entries = new Map<string, PlistValue>();
  let key: string | null = null;
  for (const child of el.children) {
    if (child.name === 'key') {
      key = child.text;
      continue;
    }
    if (key === null) throw new PlistError('missing key in dictionary');
    entries.set(key, fromXml(child, depth + 1, counter));
    key = null;
  }
  if (key !== null) throw new PlistError('missing value in dictionary');
  return { kind: 'dict', entries };
}

/** Characters an OpenStep string may hold unquoted. */
const UNQUOTED = /[A-Za-z0-9_$+/:.\-\u0080-\uffff]/;
const QUOTED_STOP = /["\\]/g;
const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', v: '\v', f: '\f', t: '\t', r: '\r', n: '\n', '\\': '\\', '"': '"' };

/** The OpenStep/GNUstep text form (howett.net/plist's rules, including its `.strings` fallback). */
export function readOpenStep(text: string): PlistValue {
  const reader = new OpenStepReader(text);
  const value = reader.value(0);
  reader.skip();
  if (!reader.atEnd()) {
    if (value.kind !== 'string') reader.fail('garbage after end of document');
    // A `.strings` file: `key = value;` pairs without braces.
    return new OpenStepReader(text).dictionary(0, true);
  }
  return value;
}

class OpenStepReader {
  private at = 0;
  private values = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  fail(what: string): never {
    let line = 1;
    for (let i = 0; i < this.at && i < this.text.length; i += 1) if (this.text.charCodeAt(i) === 10) line += 1;
    throw new PlistError(`${what} at line ${line}`);
  }

  skip(): void {
    const text = this.text;
    for (;;) {
      while (this.at < text.length && /\s/.test(text[this.at] ?? '')) this.at += 1;
      if (text.startsWith('//', this.at)) {
        const end = text.indexOf('\n', this.at);
        this.at = end < 0 ? text.length : end;
      } else if (text.startsWith('/*', this.at)) {
        const end = text.indexOf('*/', this.at + 2);
        if (end < 0) this.fail('unexpected end in block comment');
        this.at = end + 2;
      } else return;
    }
  }

  value(depth: number): PlistValue {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH}`);
    if ((this.values += 1) > MAX_VALUES) this.fail(`more than ${MAX_VALUES} values`);
    this.skip();
    const c = this.text[this.at];
    if (c === undefined) return EMPTY_DICT;
    this.at += 1;
    if (c === '<') return this.text[this.at] === '*' ? this.gnustep() : this.hexData();
    if (c === '"') return { kind: 'string', value: this.quoted() };
    if (c === '{') return this.dictionary(depth, false);
    if (c === '(') return this.array(depth);
    this.at -= 1;
    return { kind: 'string', value: this.unquoted() };
  }

  dictionary(depth: number, ignoreEnd: boolean): PlistDict {
    const entries = new Map<string, PlistValue>();
    for (;;) {
      this.skip();
      const c = this.text[this.at];
      if (c === undefined && !ignoreEnd) this.fail('unexpected end in dictionary');
      if (c === undefined || c === '}') {
        this.at += 1;
        return { kind: 'dict', entries };
      }
      let key: string;
      if (c === '"') {
        this.at += 1;
        key = this.quoted();
      } else key = this.unquoted();
      this.skip();
      const next = this.text[this.at];
      this.at += 1;
      if (next === ';') entries.set(key, { kind: 'string', value: key });
      else if (next === '=') {
        entries.set(key, this.value(depth + 1));
        this.skip();
        if (this.text[this.at] !== ';') this.fail('missing ; in dictionary');
        this.at += 1;
      } else {
        this.at -= 1;
        this.fail('missing = in dictionary');
      }
    }
  }

  private array(depth: number): PlistValue {
    const items: PlistValue[] = [];
    for (;;) {
      this.skip();
      const c = this.text[this.at];
      if (c === undefined) this.fail('unexpected end in array');
      if (c === ')') {
        this.at += 1;
        return { kind: 'array', items };
      }
      if (c === ',') {
        this.at += 1;
        continue;
      }
      const item = this.value(depth + 1);
      if (!(item.kind === 'string' && item.value === '')) items.push(item);
    }
  }

  private unquoted(): string {
    const start = this.at;
    while (this.at < this.text.length && UNQUOTED.test(this.text[this.at] ?? '')) this.at += 1;
    if (this.at === start) this.fail('invalid unquoted string (found an unquoted character that should be quoted?)');
    return this.text.slice(start, this.at);
  }

  private quoted(): string {
    const text = this.text;
    const parts: string[] = [];
    for (;;) {
      QUOTED_STOP.lastIndex = this.at;
      const stop = QUOTED_STOP.exec(text);
      if (stop === null) return this.fail('unexpected end in quoted string');
      parts.push(text.slice(this.at, stop.index));
      this.at = stop.index + 1;
      if (stop[0] === '"') return parts.join('');
      parts.push(this.escape());
    }
  }

  private escape(): string {
    const text = this.text;
    const c = text[this.at] ?? '';
    this.at += 1;
    const simple = ESCAPES[c];
    if (simple !== undefined) return simple;
    const digits = (pattern: RegExp, max: number, radix: number): string => {
      const match = pattern.exec(text.slice(this.at, this.at + max));
      const value = match === null ? '' : match[0];
      this.at += value.length;
      return String.fromCodePoint(value === '' ? 0 : parseInt(value, radix));
    };
    if (c === 'x') return digits(/^[0-9a-fA-F]{1,2}/, 2, 16);
    if (c === 'u' || c === 'U') return digits(/^[0-9a-fA-F]{1,4}/, 4, 16);
    if (c >= '0' && c <= '7') {
      this.at -= 1;
      return digits(/^[0-7]{1,3}/, 3, 8);
    }
    // Any other escaped character stands for itself.
    return c;
  }

  private hexData(): PlistValue {
    const end = this.text.indexOf('>', this.at);
    if (end < 0) this.fail('unexpected end in data');
    const digits = this.text.slice(this.at, end).replace(/[ \t\n\r\u2028\u2029]/g, '');
    if (!/^[0-9a-fA-F]*$/.test(digits)) this.fail('unexpected hex digit in data');
    if (digits.length % 2 === 1) this.fail('uneven number of hex digits in data');
    this.at = end + 1;
    return { kind: 'data' };
  }

  private gnustep(): PlistValue {
    this.at += 1;
    const type = this.text[this.at] ?? '';
    const end = this.text.indexOf('>', this.at + 1);
    if (end < 0 || end === this.at + 1 || type === '>') this.fail('invalid GNUstep extended value');
    const value = this.text.slice(this.at + 1, end);
    this.at = end + 1;
    switch (type) {
      case 'I':
        if (!/^[+-]?\d+$/.test(value)) this.fail(`invalid GNUstep integer ${JSON.stringify(value.slice(0, 40))}`);
        return { kind: 'integer', text: value };
      case 'R':
        if (Number.isNaN(Number(value))) this.fail(`invalid GNUstep real ${JSON.stringify(value.slice(0, 40))}`);
        return { kind: 'real', text: value };
      case 'B':
        return { kind: 'bool', value: value.startsWith('Y') };
      case 'D':
        return { kind: 'date' };
      default:
        return this.fail(`invalid GNUstep type ${type}`);
    }
  }
}
