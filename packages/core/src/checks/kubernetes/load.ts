import type { ConfigFileError } from '../types.js';
import { addDuplicateKeyErrors } from '../yaml-unique-keys.js';
import { lazyModule } from '../../util/lazy-module.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

/** Bounds for untrusted manifests (a `helm template` of a large chart is ~2 MiB). */
export const KUBE_LIMITS = {
  fileBytes: 16 * 1024 * 1024,
  documentBytes: 4 * 1024 * 1024,
  documentsPerFile: 5_000,
  /** Aliases per document: enough for real anchors, far too few for a billion-laughs bomb. */
  aliasCount: 100,
  depth: 64,
  /** Nodes per document after alias expansion. */
  nodes: 500_000,
} as const;

/** One Kubernetes object as read: untyped JSON, plus where it came from. */
export interface KubeObject {
  readonly file: string;
  /** Index of the YAML document in its file (items of a `List` share their document's index). */
  readonly document: number;
  /** Path prefix inside the document (`items[3].` for List items, otherwise empty). */
  readonly pathPrefix: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string | null;
  readonly namespace: string | null;
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface LoadResult {
  readonly objects: KubeObject[];
  readonly errors: ConfigFileError[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the bytes look like text: no NUL in the first 8 KiB and valid UTF-8. */
export function decodeText(content: Uint8Array): string | null {
  const head = content.subarray(0, 8192);
  if (head.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content).replace(/^\uFEFF/, '');
  } catch {
    return null;
  }
}

/** Counts nodes and nesting depth without recursion; returns a reason when a bound is passed. */
function checkShape(value: unknown): string | null {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    nodes += 1;
    if (nodes > KUBE_LIMITS.nodes) return `more than ${KUBE_LIMITS.nodes} nodes`;
    if (d > KUBE_LIMITS.depth) return `nesting deeper than ${KUBE_LIMITS.depth}`;
    if (Array.isArray(v)) for (const x of v) stack.push({ v: x, d: d + 1 });
    else if (isRecord(v)) for (const x of Object.values(v)) stack.push({ v: x, d: d + 1 });
  }
  return null;
}

/** Flow-collection depth of raw text, a cheap guard run before the parser sees it. */
function flowDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth > limit) return true;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === '\n') quote = null;
  }
  return false;
}

function metaString(raw: Record<string, unknown>, key: string): string | null {
  const meta = raw['metadata'];
  if (!isRecord(meta)) return null;
  const v = meta[key];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function toObject(file: string, document: number, pathPrefix: string, raw: Record<string, unknown>, errors: ConfigFileError[]): KubeObject | null {
  const apiVersion = raw['apiVersion'];
  const kind = raw['kind'];
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z][A-Za-z0-9]{0,62}$/.test(kind)) {
    errors.push({
      file,
      reason: `document ${document}${pathPrefix === '' ? '' : ` (${pathPrefix.slice(0, -1)})`}: not a Kubernetes object (apiVersion and kind must be strings, kind alphanumeric)`,
      // other YAML (Helm values, CI files) has neither; a manifest with a malformed one is refused
      ...(apiVersion === undefined && kind === undefined ? { notApplicable: true } : {}),
    });
    return null;
  }
  return {
    file,
    document,
    pathPrefix,
    apiVersion,
    kind,
    name: metaString(raw, 'name'),
    namespace: metaString(raw, 'namespace'),
    raw,
  };
}

/**
 * Parses a multi-document YAML or JSON file of Kubernetes objects (YAML 1.1 rules, as the API
 * server's sigs.k8s.io/yaml → go-yaml v2 reads them: `yes`/`on` are booleans). `kind: List` and
 * `*List` objects (kubectl `-o json`) are expanded to their items. A bad document becomes an error
 * and the other documents of the file are still read; a bad file never throws.
 */
export function loadKubernetesFile(file: string, content: Uint8Array): LoadResult {
  const errors: ConfigFileError[] = [];
  const objects: KubeObject[] = [];
  if (content.byteLength > KUBE_LIMITS.fileBytes) {
    return { objects, errors: [{ file, reason: `file larger than ${KUBE_LIMITS.fileBytes} bytes` }] };
  }
  const text = decodeText(content);
  if (text === null) return { objects, errors: [{ file, reason: 'binary or not UTF-8 text' }] };
  if (flowDepthExceeds(text, KUBE_LIMITS.depth)) {
    return { objects, errors: [{ file, reason: `nesting deeper than ${KUBE_LIMITS.depth}` }] };
  }
  let docs;
  try {
    // Duplicate keys are found by addDuplicateKeyErrors below: `uniqueKeys: true` is quadratic in map size.
    docs = yaml().parseAllDocuments(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, keepSourceTokens: false });
  } catch (error) {
    return { objects, errors: [{ file, reason: `unreadable YAML: ${String(error).slice(0, 200)}` }] };
  }
  const list = Array.isArray(docs) ? docs : [];
  if (list.length > KUBE_LIMITS.documentsPerFile) {
    return { objects, errors: [{ file, reason: `more than ${KUBE_LIMITS.documentsPerFile} documents` }] };
  }
  list.forEach((doc, index) => {
    const range = doc.range;
    if (range[1] - range[0] > KUBE_LIMITS.documentBytes) {
      errors.push({ file, reason: `document ${index}: larger than ${KUBE_LIMITS.documentBytes} bytes` });
      return;
    }
    try {
      addDuplicateKeyErrors(doc);
    } catch (error) {
      errors.push({ file, reason: `document ${index}: ${String(error instanceof Error ? error.message : error).slice(0, 200)}` });
      return;
    }
    if (doc.errors.length > 0) {
      errors.push({ file, reason: `document ${index}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]!.slice(0, 200)}` });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: KUBE_LIMITS.aliasCount });
    } catch (error) {
      errors.push({ file, reason: `document ${index}: ${String(error instanceof Error ? error.message : error).slice(0, 200)}` });
      return;
    }
    if (value === null || value === undefined) return;
    const shape = checkShape(value);
    if (shape !== null) {
      errors.push({ file, reason: `document ${index}: ${shape}` });
      return;
    }
    if (!isRecord(value)) {
      errors.push({ file, reason: `document ${index}: not a mapping` });
      return;
    }
    const kind = value['kind'];
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items'])) {
      (value['items'] as unknown[]).forEach((item, i) => {
        if (!isRecord(item)) {
          errors.push({ file, reason: `document ${index} (items[${i}]): not a mapping` });
          return;
        }
        const o = toObject(file, index, `items[${i}].`, item, errors);
        if (o !== null) objects.push(o);
      });
      return;
    }
    const o = toObject(file, index, '', value, errors);
    if (o !== null) objects.push(o);
  });
  return { objects, errors };
}

/** True when the text looks like Kubernetes manifests (some document has apiVersion and kind). */
export function looksLikeKubernetes(text: string): boolean {
  const head = text.slice(0, 64 * 1024);
  return /^\s*"?apiVersion"?\s*:/m.test(head) && /^\s*"?kind"?\s*:/m.test(head);
}
