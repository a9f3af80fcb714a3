import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { goJsonFloat, goJsonString, goJsonValue } from './go-json.js';
import { GGUF_TYPE, readGgufHeader } from './gguf-header.js';
import { ggufCataloger } from './index.js';
import { xxhash64 } from './xxhash64.js';

const T = GGUF_TYPE;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u64(n: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(n)));
  return b;
}
function f32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeFloatLE(v, 4 * i));
  return b;
}
const ggufString = (s: string): Buffer => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
const ggufArray = (itemType: number, n: number, items: Buffer = Buffer.alloc(0)): Buffer => Buffer.concat([u32(itemType), u64(n), items]);

/** GGUF bytes as Syft's test builder writes them (version 3, no tensors unless given). */
class GgufBuilder {
  private version = 3;
  private readonly kvs: { key: string; type: number; raw: Buffer }[] = [];
  private readonly tensors: Buffer[] = [];

  withVersion(v: number): this {
    this.version = v;
    return this;
  }
  private len(n: number): Buffer {
    return this.version <= 1 ? u32(n) : u64(n);
  }
  string(key: string, value: string): this {
    return this.raw(key, T.string, Buffer.concat([this.len(Buffer.byteLength(value)), Buffer.from(value)]));
  }
  uint32(key: string, value: number): this {
    return this.raw(key, T.uint32, u32(value));
  }
  uint64(key: string, value: bigint | number): this {
    return this.raw(key, T.uint64, u64(value));
  }
  raw(key: string, type: number, raw: Buffer): this {
    this.kvs.push({ key, type, raw });
    return this;
  }
  tensor(name: string, dims: readonly number[], type: number): this {
    this.tensors.push(Buffer.concat([this.len(name.length), Buffer.from(name), u32(dims.length), ...dims.map((d) => this.len(d)), u32(type), u64(0)]));
    return this;
  }
  build(): Buffer {
    const kvs = this.kvs.flatMap(({ key, type, raw }) => [this.len(Buffer.byteLength(key)), Buffer.from(key), u32(type), raw]);
    return Buffer.concat([Buffer.from('GGUF'), u32(this.version), this.len(this.tensors.length), this.len(this.kvs.length), ...kvs, ...this.tensors]);
  }
}
const gguf = (): GgufBuilder => new GgufBuilder();

async function parse(data: Buffer, path = '/models/model.gguf') {
  return catalogFile(ggufCataloger, path, data);
}

describe('xxhash64', () => {
  it('matches the reference vectors', () => {
    expect(xxhash64(Buffer.from(''))).toBe('ef46db3751d8e999');
    expect(xxhash64(Buffer.from('a'))).toBe('d24ec4f1a98c6e5b');
    expect(xxhash64(Buffer.from('abc'))).toBe('44bc2cf5ad770999');
    expect(xxhash64(Buffer.from('Nobody inspects the spammish repetition'))).toBe('fbcea83c8a378bf1');
  });
});

describe('Go JSON encoding of GGUF values', () => {
  it('writes floats, strings and arrays as Go does', () => {
    expect(goJsonFloat(Math.fround(0.1), 32)).toBe('0.1');
    expect(goJsonFloat(0.1, 64)).toBe('0.1');
    expect(goJsonFloat(Math.fround(1e-7), 32)).toBe('1e-7');
    expect(goJsonFloat(1e21, 64)).toBe('1e+21');
    expect(goJsonFloat(-0, 64)).toBe('-0');
    expect(goJsonFloat(Infinity, 32)).toBe('"+Inf"');
    expect(goJsonFloat(Number.NaN, 64)).toBe('"NaN"');
    expect(goJsonString(Buffer.from('a<b>&"\\\n\u0001\u2028é'))).toBe('"a\\u003cb\\u003e\\u0026\\"\\\\\\n\\u0001\\u2028é"');
    expect(goJsonString(Buffer.from([0x61, 0xe2, 0x82, 0x41]))).toBe('"a\\ufffd\\ufffdA"');
    expect(goJsonValue({ kind: 'array', itemType: 6, length: 2n, items: [{ kind: 'float', bits: 32, value: Math.fround(0.1) }], startOffset: 170, size: 8 })).toBe(
      '{"type":6,"len":2,"array":[0.1],"startOffset":170,"size":8}',
    );
    expect(goJsonValue({ kind: 'array', itemType: 8, length: 2n, items: null, startOffset: 102, size: 18 })).toBe('{"type":8,"len":2,"startOffset":102,"size":18}');
  });
});

describe('gguf-cataloger', () => {
  it('reads a model as Syft does: name, version, licence, header fields and the metadata hash (Syft’s “catalog single GGUF file”)', async () => {
    const data = gguf()
      .string('general.architecture', 'llama')
      .string('general.name', 'llama3-8b')
      .string('general.version', '3.0')
      .string('general.license', 'Apache-2.0')
      .string('general.quantization', 'Q4_K_M')
      .uint64('general.parameter_count', 8030000000n)
      .string('general.some_random_kv', 'foobar')
      .build();
    const out = await parse(data, '/models/llama3-8b.gguf');
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.licenses, p.evidence])).toEqual([['llama3-8b', '3.0', 'model', null, ['Apache-2.0'], 'installed']]);
    expect(out.packages[0]?.metadata).toEqual({
      type: 'language-package',
      source: 'gguf',
      fields: {
        architecture: 'llama',
        quantization: 'Unknown',
        parameters: '0',
        ggufVersion: '3',
        tensorCount: '0',
        metadataKeyValuesHash: '6e3d368066455ce4',
        'general.some_random_kv': 'foobar',
      },
    });
  });

  it('has no version without general.version (Syft’s “minimal metadata”)', async () => {
    const data = gguf().string('general.architecture', 'gpt2').string('general.name', 'gpt2-small').string('gpt2.context_length', '1024').uint32('gpt2.embedding_length', 768).build();
    const out = await parse(data, '/models/gpt2-small.gguf');
    expect(out.packages.map((p) => [p.name, p.version, p.licenses])).toEqual([['gpt2-small', '', []]]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { metadataKeyValuesHash: '9dc6f23591062a27', 'gpt2.context_length': '1024', 'gpt2.embedding_length': '768', architecture: 'gpt2' } });
  });

  it('hashes skipped and decoded arrays as Syft does (Syft’s “output unchanged”)', async () => {
    const data = gguf()
      .string('general.architecture', 'llama')
      .raw('tokenizer.ggml.tokens', T.array, ggufArray(T.string, 2, Buffer.concat([ggufString('a'), ggufString('b')])))
      .raw('llama.attention.head_count', T.array, ggufArray(T.float32, 2, f32(0.1, 0.2)))
      .raw('llama.feed_forward_length', T.array, ggufArray(T.array, 2, Buffer.concat([ggufArray(T.uint32, 2, Buffer.concat([u32(1), u32(2)])), ggufArray(T.uint32, 1, u32(3))])))
      .raw('llama.rope.freq_base', T.float32, f32(0.1))
      .build();
    const out = await parse(data);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { metadataKeyValuesHash: '4f28d55f0985a985', 'llama.rope.freq_base': '0.1', architecture: 'llama' } });
    const header = readGgufHeader(data);
    const json = Object.fromEntries(header.metadata.map((kv) => [kv.key, goJsonValue(kv.value)]));
    expect(json['tokenizer.ggml.tokens']).toBe('{"type":8,"len":2,"startOffset":102,"size":18}');
    expect(json['llama.attention.head_count']).toBe('{"type":6,"len":2,"array":[0.1,0.2],"startOffset":170,"size":8}');
    expect(json['llama.feed_forward_length']).toBe(
      '{"type":9,"len":2,"array":[{"type":4,"len":2,"array":[1,2],"startOffset":239,"size":8},{"type":4,"len":1,"array":[3],"startOffset":259,"size":4}],"startOffset":227,"size":36}',
    );
  });

  it('writes non-finite floats as strings, as Syft does', async () => {
    const data = gguf()
      .string('general.architecture', 'llama')
      .raw('llama.rope.freq_base', T.float32, f32(Infinity))
      .raw('llama.rope.scale', T.float64, Buffer.from(new Float64Array([-Infinity]).buffer))
      .raw('llama.attention.head_count', T.array, ggufArray(T.float32, 2, f32(8, Number.NaN)))
      .build();
    const out = await parse(data);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { 'llama.rope.freq_base': '+Inf', 'llama.rope.scale': '-Inf' } });
    const header = readGgufHeader(data);
    expect(goJsonValue(header.metadata[3]!.value)).toContain('"array":[8,"NaN"]');
  });

  it('counts parameters and guesses the quantization from the tensor types', async () => {
    const q4km = gguf().string('general.architecture', 'llama').string('general.name', 'tiny');
    q4km.tensor('token_embd.weight', [64, 100], 12);
    for (let i = 0; i < 3; i += 1) q4km.tensor(`blk.${i}.attn_q.weight`, [64, 64], 12).tensor(`blk.${i}.ffn_down.weight`, [64, 64], 14);
    q4km.tensor('blk.0.attn_norm.weight', [64], 0).tensor('output_norm', [64], 0);
    const out = await parse(q4km.build());
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { quantization: 'Q4_K_M', parameters: String(6400 + 6 * 4096 + 128), tensorCount: '9' } });

    const large = gguf().string('general.architecture', 'llama').uint32('general.file_type', 15).tensor('token_embd.weight', [32, 2], 8).build();
    expect((await parse(large)).packages[0]?.metadata).toMatchObject({ fields: { quantization: 'Q4_K_L', parameters: '64' } });
    const f16 = gguf().uint32('general.file_type', 1).build();
    expect((await parse(f16)).packages[0]?.metadata).toMatchObject({ fields: { quantization: 'F16', architecture: 'llama' } });
    const odd = gguf().uint32('general.file_type', 77).build();
    expect((await parse(odd)).packages[0]?.metadata).toMatchObject({ fields: { quantization: 'GGUFFileType(77)' } });
    const diffusion = gguf().tensor('model.diffusion_model.x.weight', [4, 4], 1).tensor('model.diffusion_model.y.weight', [4], 0).build();
    expect((await parse(diffusion)).packages[0]?.metadata).toMatchObject({ fields: { architecture: 'diffusion', quantization: 'F16' } });
    const bad = gguf().tensor('x', [4], 99).build();
    expect((await parse(bad)).unknowns[0]?.reason).toContain('unsupported tensor type 99');
  });

  it('names a model without general.name by its file; reads v1 headers; keeps split shards (split.no dropped)', async () => {
    const out = await parse(gguf().string('general.architecture', 'llama').build(), '/srv/models/mistral-7b.Q4_K_M.gguf');
    expect(out.packages.map((p) => p.name)).toEqual(['mistral-7b.Q4_K_M']);
    const v1 = await parse(gguf().withVersion(1).string('general.name', 'm').uint32('llama.context_length', 8).build());
    expect(v1.packages.map((p) => [p.name, p.metadata])).toMatchObject([['m', { fields: { ggufVersion: '1', 'llama.context_length': '8' } }]]);
    const split = gguf()
      .string('general.name', 'shard')
      .raw('split.no', T.uint16, Buffer.from([0, 0]))
      .raw('split.count', T.uint16, Buffer.from([3, 0]))
      .raw('split.tensors.count', T.int32, u32(3000))
      .build();
    expect((await parse(split)).packages[0]?.metadata).toMatchObject({ fields: { 'split.count': '3', 'split.tensors.count': '3000' } });
    expect(readGgufHeader(split).metadata.map((kv) => kv.key)).toEqual(['general.name', 'split.count', 'split.tensors.count']);
  });

  it('trims white space from keys and strings, as gguf-parser-go does', async () => {
    const out = await parse(gguf().string('  general.name\t', '  padded \n').build());
    expect(out.packages.map((p) => p.name)).toEqual(['padded']);
  });

  const refused: [string, Buffer][] = [
    ['too many KVs', Buffer.concat([Buffer.from('GGUF'), u32(3), u64(0), u64(65537)])],
    ['split tensor count is a string', gguf().string('split.tensors.count', '1').build()],
    [
      'split tensor count over the cap',
      gguf()
        .uint32('split.tensors.count', (1 << 17) + 1)
        .build(),
    ],
    ['split tensor count negative', gguf().raw('split.tensors.count', T.int64, u64(-1)).build()],
    [
      'read strings too long in total',
      gguf()
        .string('x', 'a'.repeat(8 * 1024 * 1024))
        .build(),
    ],
    [
      'skipped strings too many',
      gguf()
        .raw('tokenizer.ggml.tokens', T.array, ggufArray(T.string, (1 << 22) + 1, Buffer.alloc(8 * ((1 << 22) + 1))))
        .build(),
    ],
    ['architecture not a string', gguf().uint32('general.architecture', 1).build()],
    ['name not a string', gguf().uint32('general.name', 1).build()],
    ['license not a string', gguf().uint32('general.license', 1).build()],
    ['model hint not a string', gguf().uint32('controlvector.model_hint', 1).build()],
    ['quantization version is a string', gguf().string('general.quantization_version', '2').build()],
    ['alignment is a string', gguf().string('general.alignment', '32').build()],
    ['alignment is uint64', gguf().uint64('general.alignment', 32).build()],
    ['alignment is zero', gguf().uint32('general.alignment', 0).build()],
    ['padded key', gguf().uint32(' general.alignment\t', 0).build()],
    ['file type is a string', gguf().uint32('general.file_type', 1).string('general.file_type', 'x').build()],
    [
      'array of arrays on a skipped key',
      gguf()
        .raw('tokenizer.ggml.merges', T.array, ggufArray(T.array, 1, ggufArray(T.uint8, 0)))
        .build(),
    ],
    ['invalid array item type', gguf().raw('tokenizer.ggml.scores', T.array, ggufArray(99, 0)).build()],
    [
      'nesting too deep on a decoded key',
      gguf()
        .raw('llama.attention.head_count', T.array, ggufArray(T.array, 1, ggufArray(T.array, 1, ggufArray(T.uint8, 0))))
        .build(),
    ],
    [
      'decoded array too long',
      gguf()
        .raw('llama.feed_forward_length', T.array, ggufArray(T.uint8, 65537, Buffer.alloc(65537)))
        .build(),
    ],
    [
      'decoded arrays too long in total',
      gguf()
        .raw('a.feed_forward_length', T.array, ggufArray(T.uint8, 65536, Buffer.alloc(65536)))
        .raw('b.feed_forward_length', T.array, ggufArray(T.uint8, 1, Buffer.alloc(1)))
        .build(),
    ],
    ['empty string value', gguf().string('general.author', '').build()],
    ['invalid value type', gguf().raw('x', 0xffffffff, Buffer.alloc(0)).build()],
    ['empty key', gguf().uint32('', 1).build()],
    [
      'empty string in a decoded array',
      gguf()
        .raw('llama.attention.head_count', T.array, ggufArray(T.string, 1, u64(0)))
        .build(),
    ],
    [
      'array longer than the header',
      gguf()
        .raw('tokenizer.ggml.scores', T.array, ggufArray(T.float32, 2 ** 40))
        .build(),
    ],
    [
      'truncated string',
      gguf()
        .raw('general.name', T.string, Buffer.concat([u64(100), Buffer.from('short')]))
        .build(),
    ],
    ['not GGUF', Buffer.from('GGML' + '\0'.repeat(40))],
    ['shorter than a header', Buffer.from('GGUF\x03\0\0\0')],
  ];
  it.each(refused)('refuses what Syft refuses, as an unknown: %s', async (_name, data) => {
    const out = await parse(data);
    expect(out.packages).toEqual([]);
    expect(out.unknowns).toHaveLength(1);
    expect(out.unknowns[0]?.reason).toMatch(/^GGUF header not read: /);
  });

  const accepted: [string, Buffer][] = [
    [
      'empty string in a skipped array',
      gguf()
        .raw('tokenizer.ggml.tokens', T.array, ggufArray(T.string, 1, u64(0)))
        .build(),
    ],
    [
      'array of arrays on a decoded key',
      gguf()
        .raw('llama.attention.head_count', T.array, ggufArray(T.array, 1, ggufArray(T.uint8, 0)))
        .build(),
    ],
    ['alignment is a uint32', gguf().uint32('general.alignment', 32).build()],
    [
      'skipped scalar array',
      gguf()
        .raw('tokenizer.ggml.scores', T.array, ggufArray(T.float32, 3, Buffer.alloc(12)))
        .build(),
    ],
  ];
  it.each(accepted)('accepts what Syft accepts: %s', async (_name, data) => {
    const out = await parse(Buffer.concat([data]));
    expect(out.unknowns).toEqual([]);
    expect(out.packages).toHaveLength(1);
  });

  it('reports nothing for an empty file, and reads only the first 50 MiB of a header', async () => {
    expect(await parse(Buffer.alloc(0))).toMatchObject({ packages: [], unknowns: [] });
    const MiB = 1024 * 1024;
    const long = gguf()
      .raw('tokenizer.ggml.scores', T.array, ggufArray(T.uint8, 49 * MiB, Buffer.alloc(49 * MiB)))
      .raw('tokenizer.ggml.types', T.array, ggufArray(T.uint8, 2 * MiB, Buffer.alloc(2 * MiB)))
      .build();
    expect((await parse(long)).unknowns[0]?.reason).toContain('file ends inside the array of "tokenizer.ggml.types"');
  });

  const globs = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'ai', 'testdata', 'glob-paths');
  it.skipIf(globs === null)('selects *.gguf files (Syft’s glob fixture, an empty placeholder)', async () => {
    const out = await catalogDirectory(ggufCataloger, globs ?? '');
    expect(out.selectedPaths).toEqual(['/models/model.gguf']);
    expect(out.packages).toEqual([]);
  });
});
