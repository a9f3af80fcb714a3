/**
 * A small, bounded XML reader for Maven POMs: elements, text, CDATA, comments, processing
 * instructions and the five predefined entities plus numeric references. DOCTYPE declarations are
 * skipped and never expanded (no external or internal entities, so no entity-expansion bombs).
 * Namespace prefixes are dropped from element names. Linear in the input; depth and node count
 * are capped.
 */

export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

const MAX_DEPTH = 128;
const MAX_NODES = 200_000;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon >= 0 ? qname.slice(colon + 1) : qname;
}

/** Parse a document; returns the root element or an error string. */
export function parseXml(text: string): XmlElement | { error: string } {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  let nodes = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1] ?? root;
    if (lt < 0) {
      if (text.slice(i).trim() !== '' && stack.length > 1) return { error: 'unexpected end of document' };
      break;
    }
    if (lt > i) top.text += decodeEntities(text.slice(i, lt));
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return { error: 'unterminated comment' };
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) return { error: 'unterminated CDATA section' };
      top.text += text.slice(lt + 9, end);
      i = end + 3;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) return { error: 'unterminated processing instruction' };
      i = end + 2;
    } else if (text.startsWith('<!', lt)) {
      // DOCTYPE (possibly with an internal subset in brackets): skipped, never expanded.
      let depth = 0;
      let j = lt + 2;
      for (; j < n; j++) {
        const c = text[j];
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      if (j >= n) return { error: 'unterminated declaration' };
      i = j + 1;
    } else if (text[lt + 1] === '/') {
      const end = text.indexOf('>', lt + 2);
      if (end < 0) return { error: 'unterminated end tag' };
      const name = localName(text.slice(lt + 2, end).trim());
      if (stack.length <= 1 || top.name !== name) return { error: `mismatched end tag </${name.slice(0, 40)}>` };
      stack.pop();
      i = end + 1;
    } else {
      // Start tag: find its end outside quoted attribute values.
      let j = lt + 1;
      let quote = '';
      for (; j < n; j++) {
        const c = text[j];
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      if (j >= n) return { error: 'unterminated start tag' };
      const body = text.slice(lt + 1, j);
      const selfClosing = body.endsWith('/');
      const m = /^[^\s/>]+/.exec(body);
      if (!m) return { error: 'element without a name' };
      if (++nodes > MAX_NODES) return { error: `more than ${MAX_NODES} elements` };
      const el: XmlElement = { name: localName(m[0]), children: [], text: '' };
      top.children.push(el);
      if (!selfClosing) {
        if (stack.length > MAX_DEPTH) return { error: `nesting deeper than ${MAX_DEPTH}` };
        stack.push(el);
      }
      i = j + 1;
    }
  }
  if (stack.length > 1) return { error: 'unclosed elements at end of document' };
  const docRoot = root.children[0];
  if (!docRoot || root.children.length > 1) return { error: 'document must have exactly one root element' };
  return docRoot;
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

export function childText(el: XmlElement | undefined, name: string): string {
  return child(el, name)?.text.trim() ?? '';
}
