/**
 * Deterministic fake-secret helpers for the tests. Values come from a seeded PRNG (mulberry32,
 * Tommy Ettinger's public-domain generator) or are obvious placeholders: none is a real credential.
 */
import { parseRegex, type RegexNode } from '../regex-safety.js';
import type { SecretRule } from '../types.js';

export const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';
export const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const B64 = `${B62}+/`;
export const URLSAFE = `${B62}-_`;
export const PASSWORD_CHARS = `${B62}!#%*+-./:=?@^_~`;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function prng(seed: string): () => number {
  let a = hash(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `r(alphabet, n)`: n characters of alphabet, seeded by `seed`. */
export function randomString(seed: string): (alphabet: string, n: number) => string {
  const next = prng(seed);
  return (alphabet, n) => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
}

export function randomBytes(seed: string, n: number): Buffer {
  const next = prng(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');
export const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64');

export function pem(label: string, body: Buffer, headers = ''): string {
  const lines = b64(body).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${headers}${lines.join('\n')}\n-----END ${label}-----\n`;
}

export type GenerateMode = 'real' | 'short' | 'placeholder';

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * A string the rule's regex matches (`real`), or a near miss: the last repetition inside the
 * secret one character short (`short`), or the secret made of one repeated character
 * (`placeholder`). Lookarounds are not honoured; rules that need them get hand-written samples.
 */
export function generateFromRule(rule: SecretRule, mode: GenerateMode): string {
  const root = parseRegex(rule.regex, rule.flags ?? '');
  const next = prng(`${rule.id}:${mode === 'short' ? 'real' : mode}`);
  let shortTarget: RegexNode | null = null;
  if (mode === 'short') {
    const visit = (node: RegexNode, inSecret: boolean): void => {
      if (node.t === 'repeat') {
        if (inSecret && node.min >= 1 && node.body.t === 'char') shortTarget = node;
        visit(node.body, inSecret);
      } else if (node.t === 'group') {
        const first = node.alts[0] ?? [];
        for (const item of first) visit(item, inSecret || node.name === 'secret');
      }
    };
    visit(root, !rule.regex.includes('(?<secret>'));
  }
  const pick = (node: RegexNode & { t: 'char' }, inSecret: boolean): string => {
    const members = node.set.members();
    if (mode === 'placeholder' && inSecret) {
      const x = members.includes(120) ? 120 : (members.find(isAlnum) ?? members[0] ?? 32);
      return String.fromCharCode(x);
    }
    let pool = members.filter(isAlnum);
    if (pool.length === 0) pool = members.filter((c) => c > 32 && c < 127);
    if (pool.length === 0) pool = members.includes(32) ? [32] : members;
    return String.fromCharCode(pool[Math.floor(next() * pool.length)] ?? 32);
  };
  const gen = (node: RegexNode, inSecret: boolean): string => {
    switch (node.t) {
      case 'char':
        return pick(node, inSecret);
      case 'assert':
      case 'look':
        return '';
      case 'group': {
        const secret = inSecret || node.name === 'secret';
        return (node.alts[0] ?? []).map((item) => gen(item, secret)).join('');
      }
      case 'repeat': {
        let count: number;
        const wide = node.body.t === 'char' && node.body.set.members().length > 10;
        if (node === shortTarget) count = node.min - 1;
        else if (node.lazy || node.min === node.max || !wide) count = node.min;
        else count = Math.max(node.min, Math.min(node.max, 32));
        let out = '';
        for (let i = 0; i < count; i++) out += gen(node.body, inSecret);
        return out;
      }
    }
  };
  const text = gen(root, !rule.regex.includes('(?<secret>'));
  const lower = text.toLowerCase();
  const keyword = rule.keywords.find((k) => lower.includes(k));
  const prefix = keyword === undefined && rule.keywords[0] !== undefined ? `${rule.keywords[0]} ` : '';
  return `${prefix}${text}\n`;
}

/** A concrete path matching the rule's first path glob, or a neutral default. */
export function pathForRule(rule: SecretRule): string {
  const glob = rule.paths?.[0];
  if (glob === undefined) return '/app/config/settings.conf';
  return glob.replace(/^\*\*\//, '/home/app/').replace(/\*/g, 'x');
}
