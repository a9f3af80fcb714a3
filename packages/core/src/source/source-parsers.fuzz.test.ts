/**
 * Fuzzing the image metadata parsers: index.json, image indexes, manifests, configs and
 * docker-archive manifest.json, through `parseJson` with each schema and through the two entry
 * points that read a whole image's metadata from a BlobStore (`openOciStore`, used by
 * oci-layout, oci-archive and the OCI form of docker-archive; `openDockerArchiveStore`). Inputs:
 * arbitrary bytes, arbitrary JSON, and valid documents under structured mutations (a field set
 * to any JSON value or removed, the text truncated or spliced), with digests recomputed or not.
 * Every input must give a valid result or a SekishoError with a SOURCE_* or INTEGRITY_* code.
 *
 * Inputs that once failed are kept in __fixtures__/fuzz-corpus/ and replayed first.
 * SEKISHO_FUZZ_RUNS sets the number of runs (`npm run fuzz`); see testing/fuzz.ts.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { SekishoError } from '../errors.js';
import { fuzzParameters, outcome, readFuzzCorpus } from '../testing/fuzz.js';
import { checkRelativePath } from './blob-store.js';
import type { BlobStore } from './blob-store.js';
import { digestOf } from './digest.js';
import { openDockerArchiveStore } from './docker-archive/index.js';
import { openOciStore } from './oci-layout/index.js';
import { parseJson } from './resolve-image.js';
import { DockerArchiveManifest, ImageConfig, ImageIndex, ImageManifest, MEDIA_TYPES } from './schema.js';
import type { ImageHandle } from './types.js';

const FAMILIES = ['SOURCE_', 'INTEGRITY_'] as const;
const DIGEST = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

/** An image container in memory, with DirectoryBlobStore's rules: relative paths only, missing files and size limits as errors. */
class MemoryBlobStore implements BlobStore {
  readonly description = 'memory';
  readonly #files: ReadonlyMap<string, Buffer>;

  constructor(files: ReadonlyMap<string, Buffer>) {
    this.#files = files;
  }

  #get(path: string): Buffer {
    const file = this.#files.get(checkRelativePath(path, this.description));
    if (file === undefined) throw new SekishoError('SOURCE_MISSING_BLOB', `missing file ${path}`);
    return file;
  }

  async has(path: string): Promise<boolean> {
    return this.#files.has(checkRelativePath(path, this.description));
  }

  async size(path: string): Promise<number> {
    return this.#get(path).length;
  }

  async read(path: string, maxBytes: number): Promise<Buffer> {
    const file = this.#get(path);
    if (file.length > maxBytes) throw new SekishoError('LIMIT_JSON_SIZE', `${path} is over the limit`);
    return file;
  }

  async *open(path: string): AsyncIterable<Buffer> {
    yield this.#get(path);
  }

  async close(): Promise<void> {
    // nothing held
  }
}

function checkHandle(handle: ImageHandle): void {
  // Legacy docker-archives have no manifest digest; everything else states its digests.
  if (handle.sourceType !== 'docker-archive') expect(handle.manifestDigest ?? '').toMatch(DIGEST);
  expect(handle.configDigest ?? '').toMatch(DIGEST);
  expect(handle.config).not.toBeNull();
  expect(ImageConfig.safeParse(handle.config).success).toBe(true);
  expect(handle.layers.length).toBeGreaterThan(0);
  expect(handle.layers.length).toBe(handle.config?.rootfs.diff_ids.length);
  for (const layer of handle.layers) {
    if (layer.digest !== null) expect(layer.digest).toMatch(DIGEST);
    if (layer.size !== null) expect(Number.isSafeInteger(layer.size) && layer.size >= 0, `size ${layer.size}`).toBe(true);
  }
}

// --- structured JSON mutations --------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, -1, 0, 1.5, 1e300, -0, '', 'sha256:', `sha256:${'0'.repeat(64)}`, 'md5:abc', [], {}, '../../etc/passwd', '/abs', 'linux/amd64'),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

const jsonMutation = fc.record({
  /** Which child to descend into at each level (modulo the number of children). */
  path: fc.array(fc.nat(), { maxLength: 5 }),
  op: fc.constantFrom('set', 'delete', 'wrap-array', 'duplicate'),
  value: oddValue,
});
type JsonMutation = typeof jsonMutation extends fc.Arbitrary<infer T> ? T : never;

function children(value: Json): [string | number, Json][] {
  if (Array.isArray(value)) return value.map((v, i) => [i, v]);
  if (value !== null && typeof value === 'object') return Object.entries(value);
  return [];
}

function setChild(parent: Json, key: string | number, value: Json | undefined): void {
  if (Array.isArray(parent) && typeof key === 'number') {
    if (value === undefined) parent.splice(key, 1);
    else parent[key] = value;
  } else if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) {
    if (value === undefined) delete parent[String(key)];
    else Object.defineProperty(parent, String(key), { value, enumerable: true, writable: true, configurable: true });
  }
}

function applyMutation(doc: Json, m: JsonMutation): Json {
  if (m.path.length === 0 || children(doc).length === 0) return m.op === 'set' ? m.value : doc;
  let parent = doc;
  let key: string | number = 0;
  for (const step of m.path) {
    const kids = children(parent);
    const pick = kids[step % Math.max(1, kids.length)];
    if (pick === undefined) break;
    key = pick[0];
    const child = pick[1];
    if (children(child).length === 0 || step === m.path[m.path.length - 1]) break;
    parent = child;
  }
  const current = children(parent).find(([k]) => k === key)?.[1] ?? null;
  switch (m.op) {
    case 'set':
      setChild(parent, key, m.value);
      break;
    case 'delete':
      setChild(parent, key, undefined);
      break;
    case 'wrap-array':
      setChild(parent, key, [current]);
      break;
    case 'duplicate':
      if (Array.isArray(current)) setChild(parent, key, [...current, ...current]);
      else setChild(parent, key, { value: current });
      break;
  }
  return doc;
}

/** Text-level damage after serialization: truncation, splicing in odd JSON, a `__proto__` key. */
const textMutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    text: fc.constantFrom('"__proto__":{"schemaVersion":1},', '{"__proto__":', ',', '"', '\\u0000', '1e999', ']', '}', '\uFEFF', '\uD800'),
  }),
);
type TextMutation = typeof textMutation extends fc.Arbitrary<infer T> ? T : never;

interface DocMutations {
  readonly json: readonly JsonMutation[];
  readonly text: TextMutation | null;
}
const docMutations: fc.Arbitrary<DocMutations> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ json: fc.array(jsonMutation, { minLength: 1, maxLength: 3 }), text: fc.constant(null) }) },
  { weight: 1, arbitrary: fc.record({ json: fc.constant([]), text: textMutation }) },
);
const NONE: DocMutations = { json: [], text: null };

/** One or two documents of an image mutated, the others intact (so mutations reach the parsers behind them). */
function targeted<T extends string>(targets: readonly T[]): fc.Arbitrary<Partial<Record<T, DocMutations>>> {
  return fc.array(fc.tuple(fc.constantFrom(...targets), docMutations), { maxLength: 2 }).map((pairs) => Object.fromEntries(pairs) as Partial<Record<T, DocMutations>>);
}

function serialize(doc: Json, m: DocMutations): Buffer {
  let value: Json = structuredClone(doc);
  for (const jm of m.json) value = applyMutation(value, jm);
  let text = JSON.stringify(value) ?? 'null';
  if (m.text !== null) {
    const at = m.text.at % (text.length + 1);
    text = m.text.kind === 'truncate' ? text.slice(0, at) : text.slice(0, at) + m.text.text + text.slice(at);
  }
  return Buffer.from(text);
}

// --- valid images to mutate ------------------------------------------------------------------

function descriptor(mediaType: string, bytes: Buffer, extra: Record<string, Json> = {}): Json {
  return { mediaType, digest: digestOf(bytes), size: bytes.length, ...extra };
}

const LAYER = Buffer.from('layer bytes');

function configDoc(layers: number): Json {
  return {
    architecture: 'amd64',
    os: 'linux',
    config: { User: '1000', Env: ['PATH=/usr/bin'], Cmd: ['sh'], Labels: { a: 'b' }, ExposedPorts: { '80/tcp': {} } },
    rootfs: { type: 'layers', diff_ids: Array.from({ length: layers }, () => digestOf(LAYER)) },
    history: Array.from({ length: layers }, (_, i) => ({ created_by: `RUN step ${i}` })),
  };
}

interface OciMutations {
  readonly layers: number;
  readonly nested: boolean;
  readonly selector: string | null;
  readonly platform: string | undefined;
  readonly docs: Partial<Record<'config' | 'manifest' | 'nestedIndex' | 'index', DocMutations>>;
  /** Leave a blob under its old digest after its bytes changed (an integrity failure). */
  readonly stale: boolean;
}

function ociLayout(m: OciMutations): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const blob = (bytes: Buffer, stale: Buffer = bytes): Buffer => {
    files.set(`blobs/sha256/${digestOf(stale).slice(7)}`, bytes);
    return bytes;
  };
  blob(LAYER);
  const cleanConfig = Buffer.from(JSON.stringify(configDoc(m.layers)));
  const config = serialize(configDoc(m.layers), m.docs.config ?? NONE);
  blob(config, m.stale ? cleanConfig : config);
  const manifest = serialize(
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: descriptor('application/vnd.oci.image.config.v1+json', m.stale ? cleanConfig : config),
      layers: Array.from({ length: m.layers }, () => descriptor('application/vnd.oci.image.layer.v1.tar', LAYER)),
    },
    m.docs.manifest ?? NONE,
  );
  blob(manifest);
  let top = descriptor(MEDIA_TYPES.ociManifest, manifest, { platform: { os: 'linux', architecture: 'amd64' } });
  if (m.nested) {
    const nested = serialize({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [top] }, m.docs.nestedIndex ?? NONE);
    blob(nested);
    top = descriptor(MEDIA_TYPES.ociIndex, nested);
  }
  if (top !== null && typeof top === 'object' && !Array.isArray(top)) top['annotations'] = { 'org.opencontainers.image.ref.name': 'latest' };
  files.set('index.json', serialize({ schemaVersion: 2, manifests: [top] }, m.docs.index ?? NONE));
  files.set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  return files;
}

const ociMutations: fc.Arbitrary<OciMutations> = fc.record({
  layers: fc.integer({ min: 0, max: 3 }),
  nested: fc.boolean(),
  selector: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(null, 'latest') }, { weight: 1, arbitrary: fc.constantFrom('other', `sha256:${'a'.repeat(64)}`) }),
  // The platform comes from the user's flag, not from the image: only valid ones here.
  platform: fc.option(fc.constantFrom('linux/amd64', 'linux/arm64/v8', 'windows/amd64'), { freq: 3, nil: undefined }),
  docs: targeted(['config', 'manifest', 'nestedIndex', 'index'] as const),
  stale: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

interface LegacyMutations {
  readonly layers: number;
  readonly selector: string | null;
  readonly platform: string | undefined;
  readonly docs: Partial<Record<'config' | 'manifest', DocMutations>>;
  /** The config's member name: its digest, the digest of the unmutated config, any name, one escaping the archive. */
  readonly configName: 'digest' | 'stale' | 'other' | 'escape';
}

function legacyArchive(m: LegacyMutations): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const config = serialize(configDoc(m.layers), m.docs.config ?? NONE);
  const clean = Buffer.from(JSON.stringify(configDoc(m.layers)));
  const names = { digest: `${digestOf(config).slice(7)}.json`, stale: `${digestOf(clean).slice(7)}.json`, other: 'config.json', escape: '../config.json' };
  const configName = names[m.configName];
  files.set(configName.replace(/^\.\.\//, ''), config);
  const layers = Array.from({ length: m.layers }, (_, i) => `${i}/layer.tar`);
  for (const name of layers) files.set(name, LAYER);
  files.set('manifest.json', serialize([{ Config: configName, RepoTags: ['app:1'], Layers: layers }], m.docs.manifest ?? NONE));
  return files;
}

const legacyMutations: fc.Arbitrary<LegacyMutations> = fc.record({
  layers: fc.integer({ min: 0, max: 3 }),
  selector: fc.option(fc.constantFrom('app:1', 'app', '1', 'other'), { freq: 3 }),
  platform: fc.option(fc.constantFrom('linux/amd64', 'linux/arm64'), { freq: 3, nil: undefined }),
  docs: targeted(['config', 'manifest'] as const),
  configName: fc.oneof({ weight: 6, arbitrary: fc.constant('digest' as const) }, { weight: 1, arbitrary: fc.constantFrom('stale' as const, 'other' as const, 'escape' as const) }),
});

async function openOci(files: Map<string, Buffer>, selector: string | null, platform: string | undefined): Promise<string | null> {
  const store = new MemoryBlobStore(files);
  return outcome(async () => {
    checkHandle(await openOciStore(store, { scheme: 'oci', path: 'memory', selector }, { tempDir: '/nonexistent', ...(platform === undefined ? {} : { platform }) }, 'oci-layout'));
  }, FAMILIES);
}

async function openLegacy(files: Map<string, Buffer>, selector: string | null, platform: string | undefined): Promise<string | null> {
  const store = new MemoryBlobStore(files);
  return outcome(async () => {
    checkHandle(await openDockerArchiveStore(store, { scheme: 'docker-archive', path: 'memory', selector }, { tempDir: '/nonexistent', ...(platform === undefined ? {} : { platform }) }));
  }, FAMILIES);
}

const SCHEMAS: readonly [string, z.ZodType][] = [
  ['image index', ImageIndex],
  ['image manifest', ImageManifest],
  ['image config', ImageConfig],
  ['docker-archive manifest', DockerArchiveManifest],
];

async function parseAll(bytes: Buffer): Promise<void> {
  for (const [what, schema] of SCHEMAS) {
    await outcome(() => {
      const value = parseJson(bytes, schema, what, 'memory');
      expect(schema.safeParse(value).success).toBe(true);
    }, ['SOURCE_']);
  }
}

function tally(outcomes: Map<string, number>, code: string | null): void {
  const key = code ?? 'valid';
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
}

describe('image metadata parser fuzzing', () => {
  it('the generators make valid images when nothing is mutated', async () => {
    const oci = { layers: 2, nested: true, selector: 'latest', platform: 'linux/amd64', docs: {}, stale: false };
    expect(await openOci(ociLayout(oci), oci.selector, oci.platform)).toBeNull();
    const legacy = { layers: 2, selector: 'app:1', platform: 'linux/amd64', docs: {}, configName: 'digest' as const };
    expect(await openLegacy(legacyArchive(legacy), legacy.selector, legacy.platform)).toBeNull();
  });

  it('replays the kept corpus through every schema', async () => {
    const corpus = readFuzzCorpus(join(import.meta.dirname, '__fixtures__', 'fuzz-corpus'));
    expect(corpus.length).toBeGreaterThan(0);
    for (const { bytes } of corpus) await parseAll(bytes);
  });

  it('parseJson: arbitrary bytes and arbitrary JSON, every schema', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
          fc.jsonValue({ maxDepth: 6 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
          fc.tuple(ociMutations, fc.constantFrom('index.json')).map(([m, name]) => ociLayout(m).get(name) ?? Buffer.alloc(0)),
        ),
        parseAll,
      ),
      fuzzParameters(300),
    );
  });

  it('openOciStore: mutated OCI layouts (index, nested index, manifest, config)', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(ociMutations, async (m) => {
        tally(outcomes, await openOci(ociLayout(m), m.selector, m.platform));
      }),
      fuzzParameters(300),
    );
    console.log(
      `OCI layouts: ${[...outcomes]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    expect(outcomes.get('valid')).toBeGreaterThan(0);
    expect(outcomes.size).toBeGreaterThan(2);
  });

  it('openDockerArchiveStore: mutated legacy docker-save archives', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(legacyMutations, async (m) => {
        tally(outcomes, await openLegacy(legacyArchive(m), m.selector, m.platform));
      }),
      fuzzParameters(200),
    );
    console.log(
      `docker archives: ${[...outcomes]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    expect(outcomes.get('valid')).toBeGreaterThan(0);
    expect(outcomes.size).toBeGreaterThan(2);
  });
});
