import { MAX_VERSION_LENGTH } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';

/**
 * A port of Maven's `ComparableVersion` as on apache/maven master
 * (compat/maven-artifact/src/main/java/org/apache/maven/artifact/versioning/ComparableVersion.java;
 * rules in https://maven.apache.org/pom.html#version-order-specification), including
 * CombinationItem (`X1`, `X-1`), MNG-5568/6572/6964/7644/7714 and the 256-character bound.
 * Item kinds, their pairwise order and the list normalization follow the Java code one to one.
 */
type NumberKind = 'int' | 'long' | 'big';

interface NumberItem {
  readonly kind: NumberKind;
  readonly value: bigint;
}
interface StringItem {
  readonly kind: 'string';
  readonly value: string;
}
interface CombinationItem {
  readonly kind: 'combination';
  readonly stringPart: StringItem;
  readonly digitPart: NumberItem;
}
interface ListItem {
  readonly kind: 'list';
  items: Item[];
}
type Item = NumberItem | StringItem | CombinationItem | ListItem;

const MAX_INT_LENGTH = 9;
const MAX_LONG_LENGTH = 18;
const NUMBER_RANK: Record<NumberKind, number> = { int: 0, long: 1, big: 2 };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = new Set(['ga', 'final', 'release']);
const RELEASE_VERSION_INDEX = String(QUALIFIERS.indexOf(''));

function javaCompare(a: string, b: string): Sign {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
    case 'long':
    case 'big':
      return item.value === 0n;
    case 'string':
      return item.value === '';
    case 'combination':
      return false;
    case 'list':
      return item.items.length === 0;
  }
}

// --- parsing ----------------------------------------------------------------------------------

/** `Character.isDigit` on one UTF-16 code unit. */
function isJavaDigit(ch: string): boolean {
  return /^\p{Nd}$/u.test(ch);
}

/**
 * `Character.digit(ch, 10)` for a decimal digit: Unicode lays decimal digits out in runs of ten
 * starting at zero, so the value is the distance from the start of the run, modulo ten.
 */
function digitValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 48 && c <= 57) return c - 48;
  let k = 0;
  while (k < 60 && isJavaDigit(String.fromCharCode(c - k - 1))) k++;
  return k % 10;
}

function digitsValue(s: string): bigint {
  let v = 0n;
  for (let i = 0; i < s.length; i++) v = v * 10n + BigInt(isJavaDigit(s[i] ?? '') ? digitValue(s, i) : 0);
  return v;
}

function stripLeadingZeroes(buf: string): string {
  for (let i = 0; i < buf.length; i++) if (buf[i] !== '0') return buf.slice(i);
  return '0';
}

function numberItem(buf: string): NumberItem {
  const digits = stripLeadingZeroes(buf);
  const kind: NumberKind = digits.length <= MAX_INT_LENGTH ? 'int' : digits.length <= MAX_LONG_LENGTH ? 'long' : 'big';
  return { kind, value: digitsValue(digits) };
}

function stringItem(raw: string, followedByDigit: boolean): StringItem {
  let value = raw;
  if (followedByDigit && value.length === 1) {
    if (value === 'a') value = 'alpha';
    else if (value === 'b') value = 'beta';
    else if (value === 'm') value = 'milestone';
  }
  if (value === 'cr') value = 'rc';
  return { kind: 'string', value };
}

function combinationItem(raw: string): CombinationItem {
  let index = 0;
  for (let i = 0; i < raw.length; i++) {
    if (isJavaDigit(raw[i] ?? '')) {
      index = i;
      break;
    }
  }
  return { kind: 'combination', stringPart: stringItem(raw.slice(0, index), true), digitPart: numberItem(raw.slice(index)) };
}

function parseItem(isCombination: boolean, isDigit: boolean, buf: string): Item {
  if (isCombination) return combinationItem(buf.replaceAll('-', ''));
  if (isDigit) return numberItem(buf);
  return stringItem(buf, false);
}

function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const last = items[i];
    if (last === undefined || !isNull(last)) continue;
    const next = items[i + 1];
    if (next === undefined || next.kind === 'string') {
      items.splice(i, 1);
    } else if (next.kind === 'list') {
      const first = next.items[0];
      if (first !== undefined && (first.kind === 'combination' || first.kind === 'string')) items.splice(i, 1);
    }
  }
  const only = items[0];
  if (items.length === 1 && only?.kind === 'list') list.items = only.items;
}

export type ParsedMavenVersion = ListItem;

/** `new ComparableVersion(version)`; null over 256 characters (Maven throws there). */
export function parseMavenVersion(input: string): ParsedMavenVersion | null {
  if (input.length > MAX_VERSION_LENGTH) return null;
  const version = input.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  const push = (): void => {
    const sub: ListItem = { kind: 'list', items: [] };
    list.items.push(sub);
    list = sub;
    stack.push(sub);
  };
  let isDigit = false;
  let isCombination = false;
  let startIndex = 0;

  for (let i = 0; i < version.length; i++) {
    const c = version[i] ?? '';
    if (c === '.') {
      list.items.push(i === startIndex ? { kind: 'int', value: 0n } : parseItem(isCombination, isDigit, version.slice(startIndex, i)));
      isCombination = false;
      startIndex = i + 1;
    } else if (c === '-') {
      if (i === startIndex) {
        list.items.push({ kind: 'int', value: 0n });
      } else {
        // X-1 is treated as X1.
        if (!isDigit && i !== version.length - 1 && isJavaDigit(version[i + 1] ?? '')) {
          isCombination = true;
          continue;
        }
        list.items.push(parseItem(isCombination, isDigit, version.slice(startIndex, i)));
      }
      startIndex = i + 1;
      if (list.items.length > 0) push();
      isCombination = false;
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > startIndex) {
        isCombination = true;
        if (list.items.length > 0) push();
      }
      isDigit = true;
    } else {
      if (isDigit && i > startIndex) {
        list.items.push(parseItem(isCombination, true, version.slice(startIndex, i)));
        startIndex = i;
        push();
        isCombination = false;
      }
      isDigit = false;
    }
  }
  if (version.length > startIndex) {
    // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X.
    if (!isDigit && list.items.length > 0) push();
    list.items.push(parseItem(isCombination, isDigit, version.slice(startIndex)));
  }
  while (stack.length > 0) {
    const l = stack.pop();
    if (l !== undefined) normalize(l);
  }
  return root;
}

// --- comparison -------------------------------------------------------------------------------

function comparableQualifier(q: string): string {
  if (RELEASE_QUALIFIERS.has(q)) return RELEASE_VERSION_INDEX;
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

/** `item.compareTo(other)`, where `null` is Java's null (a missing item). */
function compareItem(item: Item, other: Item | null): Sign {
  switch (item.kind) {
    case 'int':
    case 'long':
    case 'big':
      return compareNumber(item, other);
    case 'string':
      return compareString(item, other);
    case 'combination':
      return compareCombination(item, other);
    case 'list':
      return compareList(item, other);
  }
}

function negate(s: Sign): Sign {
  return s === 0 ? 0 : s === 1 ? -1 : 1;
}

function compareNumber(item: NumberItem, other: Item | null): Sign {
  if (other === null) return item.value === 0n ? 0 : 1;
  if (other.kind === 'int' || other.kind === 'long' || other.kind === 'big') {
    if (other.kind !== item.kind) return NUMBER_RANK[item.kind] < NUMBER_RANK[other.kind] ? -1 : 1;
    return item.value < other.value ? -1 : item.value > other.value ? 1 : 0;
  }
  return 1; // 1.1 > 1-sp, 1.1 > 1-1, 1.1 > 1.any
}

function compareString(item: StringItem, other: Item | null): Sign {
  if (other === null) return javaCompare(comparableQualifier(item.value), RELEASE_VERSION_INDEX);
  switch (other.kind) {
    case 'int':
    case 'long':
    case 'big':
      return -1;
    case 'string':
      return javaCompare(comparableQualifier(item.value), comparableQualifier(other.value));
    case 'combination': {
      const r = compareString(item, other.stringPart);
      if (r !== 0) return r;
      if (compareString(item, null) === 0) return negate(compareNumber(other.digitPart, null));
      return -1;
    }
    case 'list':
      return negate(compareList(other, item));
  }
}

function compareCombination(item: CombinationItem, other: Item | null): Sign {
  if (other === null) {
    const r = compareString(item.stringPart, null);
    return r === 0 ? compareNumber(item.digitPart, null) : r;
  }
  switch (other.kind) {
    case 'int':
    case 'long':
    case 'big':
      return -1;
    case 'string': {
      const r = compareString(item.stringPart, other);
      if (r !== 0) return r;
      return compareString(item.stringPart, null) === 0 ? compareNumber(item.digitPart, null) : 1;
    }
    case 'list':
      return negate(compareList(other, item));
    case 'combination': {
      const r = compareString(item.stringPart, other.stringPart);
      return r === 0 ? compareNumber(item.digitPart, other.digitPart) : r;
    }
  }
}

function compareList(item: ListItem, other: Item | null): Sign {
  const items = item.items;
  if (other === null) {
    for (const i of items) {
      const r = compareItem(i, null);
      if (r !== 0) return r;
    }
    return 0;
  }
  switch (other.kind) {
    case 'int':
    case 'long':
    case 'big':
      return -1; // 1-1 < 1.0.x
    case 'string':
    case 'combination': {
      const first = items[0];
      let r = first === undefined ? negate(compareItem(other, null)) : compareItem(first, other);
      for (let i = 1; r === 0 && i < items.length; i++) r = compareItem(items[i] as Item, null);
      return r;
    }
    case 'list': {
      const right = other.items;
      const n = Math.max(items.length, right.length);
      for (let i = 0; i < n; i++) {
        const l = items[i];
        const r = right[i];
        const result = l === undefined ? (r === undefined ? 0 : negate(compareItem(r, null))) : compareItem(l, r ?? null);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

export function compareMavenVersions(a: ParsedMavenVersion, b: ParsedMavenVersion): Sign {
  return compareList(a, b);
}
