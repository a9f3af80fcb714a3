import type { GgufHeader, GgufKeyValue, GgufTensorSummary } from './gguf-header.js';

/*
 * What gguf-parser-go's Metadata() derives from a header and Syft reports: the architecture (with
 * its defaults), the file type and its descriptor (Syft's `quantization`, e.g. `Q4_K_M`, guessed
 * from the tensor types when `general.file_type` is absent), name, licence and version.
 */

/** llama.cpp's file types (`llama_ftype`), as gguf-parser-go names them without `MOSTLY_`. */
const FILE_TYPE_NAMES = [
  'F32', 'F16', 'Q4_0', 'Q4_1', 'Q4_1_SOME_F16', 'Q4_2', 'Q4_3', 'Q8_0', 'Q5_0', 'Q5_1', 'Q2_K', 'Q3_K_S', 'Q3_K_M', 'Q3_K_L', 'Q4_K_S', 'Q4_K_M', 'Q5_K_S', 'Q5_K_M', 'Q6_K',
  'IQ2_XXS', 'IQ2_XS', 'Q2_K_S', 'IQ3_XS', 'IQ3_XXS', 'IQ1_S', 'IQ4_NL', 'IQ3_S', 'IQ3_M', 'IQ2_S', 'IQ2_M', 'IQ4_XS', 'IQ1_M', 'BF16', 'Q4_0_4_4', 'Q4_0_4_8', 'Q4_0_8_8', 'TQ1_0', 'TQ2_0', 'MXFP4',
] as const; // prettier-ignore
/** File type ids by name. */
const FT = Object.fromEntries(FILE_TYPE_NAMES.map((name, index) => [name, index])) as Record<(typeof FILE_TYPE_NAMES)[number], number>;
const FILE_TYPE_UNKNOWN = FILE_TYPE_NAMES.length;

/** GGML tensor types by id. */
const T = {
  F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q4_2: 4, Q4_3: 5, Q5_0: 6, Q5_1: 7, Q8_0: 8, Q2_K: 10, Q3_K: 11, Q4_K: 12, Q5_K: 13, Q6_K: 14,
  IQ2_XXS: 16, IQ2_XS: 17, IQ3_XXS: 18, IQ1_S: 19, IQ4_NL: 20, IQ3_S: 21, IQ2_S: 22, IQ4_XS: 23, IQ1_M: 29, BF16: 30,
  Q4_0_4_4: 31, Q4_0_4_8: 32, Q4_0_8_8: 33, TQ1_0: 34, TQ2_0: 35, MXFP4: 39,
} as const; // prettier-ignore

/** The file type of the most common tensor type, for the types that name one directly. */
const FILE_TYPE_OF_TENSOR_TYPE = new Map<number, number>([
  [T.F16, FT.F16], [T.Q4_0, FT.Q4_0], [T.Q4_1, FT.Q4_1], [T.Q4_2, FT.Q4_2], [T.Q4_3, FT.Q4_3], [T.Q5_0, FT.Q5_0], [T.Q5_1, FT.Q5_1],
  [T.Q8_0, FT.Q8_0], [T.Q6_K, FT.Q6_K], [T.IQ2_XXS, FT.IQ2_XXS], [T.IQ2_S, FT.IQ2_M], [T.IQ3_XXS, FT.IQ3_XXS], [T.IQ1_S, FT.IQ1_S],
  [T.IQ4_NL, FT.IQ4_NL], [T.IQ4_XS, FT.IQ4_XS], [T.IQ1_M, FT.IQ1_M], [T.BF16, FT.BF16], [T.Q4_0_4_4, FT.Q4_0_4_4], [T.Q4_0_4_8, FT.Q4_0_4_8],
  [T.Q4_0_8_8, FT.Q4_0_8_8], [T.TQ1_0, FT.TQ1_0], [T.TQ2_0, FT.TQ2_0], [T.MXFP4, FT.MXFP4],
]); // prettier-ignore

/** A file type whose descriptor gets `_L` when `token_embd.weight` has one of these types. */
const LARGE_EMBEDDING: ReadonlyMap<number, { readonly types: readonly number[]; readonly descriptor: string }> = new Map([
  [FT.Q4_0, { types: [T.Q8_0, T.Q5_0, T.Q5_1], descriptor: 'Q4_0_L' }],
  [FT.Q4_1, { types: [T.Q8_0, T.Q5_0, T.Q5_1], descriptor: 'Q4_1_L' }],
  [FT.Q5_0, { types: [T.Q8_0], descriptor: 'Q5_0_L' }],
  [FT.Q5_1, { types: [T.Q8_0], descriptor: 'Q5_1_L' }],
  [FT.Q2_K, { types: [T.Q8_0, T.Q4_K], descriptor: 'Q2_K_L' }],
  [FT.Q3_K_M, { types: [T.Q8_0], descriptor: 'Q3_K_L' }],
  [FT.Q4_K_M, { types: [T.Q8_0], descriptor: 'Q4_K_L' }],
  [FT.Q5_K_M, { types: [T.Q8_0], descriptor: 'Q5_K_L' }],
  [FT.Q6_K, { types: [T.Q8_0], descriptor: 'Q6_K_L' }],
]);

const DIFFUSION_ARCHITECTURES = new Set(['flux', 'sd', 'sd2.5', 'sd3', 'stable-diffusion']);
const METADATA_KEYS = [
  'general.type',
  'general.architecture',
  'general.quantization_version',
  'general.alignment',
  'general.name',
  'general.author',
  'general.url',
  'general.description',
  'general.license',
  'controlvector.model_hint',
];

export interface GgufModel {
  /** `general.name`, empty when the header has none. */
  readonly name: string;
  /** The first non-empty string `general.version`, else empty. */
  readonly version: string;
  readonly license: string;
  readonly architecture: string;
  /** The file type descriptor (`Q4_K_M`, `F16`, `Unknown`). */
  readonly quantization: string;
}

/** gguf-parser-go's lookup of several keys: the last match wins, and it stops once it has counted as many matches as keys. */
function indexKeys(metadata: readonly GgufKeyValue[], keys: readonly string[]): Map<string, GgufKeyValue> {
  const wanted = new Set(keys);
  const found = new Map<string, GgufKeyValue>();
  let count = 0;
  for (const kv of metadata) {
    if (wanted.has(kv.key)) {
      found.set(kv.key, kv);
      count += 1;
    }
    if (count === wanted.size) break;
  }
  return found;
}

const text = (kv: GgufKeyValue | undefined): string => (kv?.value.kind === 'string' ? kv.value.bytes.toString('utf8') : '');

export function describeModel(header: GgufHeader): GgufModel {
  const m = indexKeys(header.metadata, METADATA_KEYS);
  const type = m.has('general.type') ? text(m.get('general.type')) : 'model';
  const architecture = modelArchitecture(m, type, header.tensors);
  const versionKv = header.metadata.find((kv) => kv.key === 'general.version' && kv.value.kind === 'string' && kv.value.bytes.length > 0);
  return {
    name: text(m.get('general.name')),
    version: text(versionKv),
    license: text(m.get('general.license')),
    architecture,
    quantization: fileTypeDescriptor(header, architecture),
  };
}

function modelArchitecture(m: ReadonlyMap<string, GgufKeyValue>, type: string, tensors: GgufTensorSummary): string {
  const hint = m.get('controlvector.model_hint');
  if (hint !== undefined) return text(hint);
  const stated = m.get('general.architecture');
  if (stated !== undefined && !DIFFUSION_ARCHITECTURES.has(text(stated))) return text(stated);
  if (type === 'imatrix') return 'imatrix';
  return tensors.diffusionNamed ? 'diffusion' : 'llama';
}

/** `general.file_type` as a uint32 (Go's conversion of the stored number), or the unknown type. */
function statedFileType(metadata: readonly GgufKeyValue[]): number {
  const kv = indexKeys(metadata, ['general.file_type']).get('general.file_type');
  if (kv === undefined) return FILE_TYPE_UNKNOWN;
  if (kv.value.kind === 'integer') return Number(BigInt.asUintN(32, kv.value.value));
  if (kv.value.kind === 'float' && Number.isFinite(kv.value.value)) return Number(BigInt.asUintN(32, BigInt(Math.trunc(kv.value.value))));
  return FILE_TYPE_UNKNOWN;
}

function fileTypeDescriptor(header: GgufHeader, architecture: string): string {
  let fileType = statedFileType(header.metadata);
  if (fileType === FILE_TYPE_UNKNOWN) fileType = fileTypeOfCounts(architecture === 'diffusion' ? header.tensors.weightTypeCounts : header.tensors.typeCounts);
  if (fileType === FILE_TYPE_UNKNOWN) return 'Unknown';
  const name = FILE_TYPE_NAMES[fileType];
  if (name === undefined) return `GGUFFileType(${fileType})`;
  const large = LARGE_EMBEDDING.get(fileType);
  const embedding = header.tensors.tokenEmbeddingType;
  return large !== undefined && embedding !== null && large.types.includes(embedding) ? large.descriptor : name;
}

/**
 * gguf-parser-go's GetFileType: the file type of the most common tensor type, refined by the
 * others for k-quants. Go leaves the order of equally common types to chance; here the lower type
 * id comes first.
 */
function fileTypeOfCounts(counts: ReadonlyMap<number, number>): number {
  if (counts.size === 0) return FILE_TYPE_UNKNOWN;
  const ranked = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || a - b);
  let top = ranked[0] ?? T.F32;
  if (top === T.F32) {
    if (ranked.length === 1) return FT.F32;
    top = ranked[1] ?? T.F32;
  }
  const more = (type: number): boolean => (counts.get(type) ?? 0) > 1;
  switch (top) {
    case T.Q2_K:
      return ranked[ranked.length - 1] === T.Q5_K ? FT.Q2_K_S : FT.Q2_K;
    case T.Q3_K:
      if ((counts.get(T.Q8_0) ?? 0) > 0 || (more(T.Q5_K) && !counts.has(T.Q4_K))) return FT.Q3_K_L;
      return more(T.Q4_K) ? FT.Q3_K_M : FT.Q3_K_S;
    case T.Q4_K:
      if (more(T.Q6_K)) return FT.Q4_K_M;
      return more(T.Q3_K) ? FT.Q3_K_M : FT.Q4_K_S;
    case T.Q5_K:
      return more(T.Q6_K) ? FT.Q5_K_M : FT.Q5_K_S;
    case T.IQ2_XS:
      return more(T.IQ4_XS) ? FT.IQ2_S : FT.IQ2_XS;
    case T.IQ3_S:
      return more(T.IQ3_XXS) ? FT.IQ3_XS : FT.IQ3_S;
    default:
      return FILE_TYPE_OF_TENSOR_TYPE.get(top) ?? FILE_TYPE_UNKNOWN;
  }
}

/** The keys Syft reports apart from its remaining key-value pairs. */
export const SEPARATELY_REPORTED_KEYS = new Set(['general.architecture', 'general.name', 'general.license', 'general.version', 'general.parameter_count', 'general.quantization']);
