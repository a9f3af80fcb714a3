import { basename, guarded, languagePackage, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { goJsonFloat, goJsonMetadata } from './go-json.js';
import { GgufError, MAX_GGUF_HEADER_BYTES, readGgufHeader } from './gguf-header.js';
import type { GgufHeader, GgufKeyValue } from './gguf-header.js';
import { describeModel, SEPARATELY_REPORTED_KEYS } from './gguf-model.js';
import { xxhash64 } from './xxhash64.js';

/** Metadata keys kept besides Syft's header fields: scalar values only, tokenizer data aside. */
const MAX_EXTRA_FIELDS = 64;

function scalarText(kv: GgufKeyValue): string | null {
  const value = kv.value;
  switch (value.kind) {
    case 'string':
      return value.bytes.toString('utf8');
    case 'integer':
      return value.value.toString();
    case 'float':
      return goJsonFloat(value.value, value.bits).replace(/^"|"$/g, '');
    case 'bool':
      return String(value.value);
    case 'array':
      return null;
  }
}

/** The remaining key-value pairs worth keeping as fields (`general.basename`, `llama.context_length`, …). */
function extraFields(header: GgufHeader): Record<string, string> {
  const fields: Record<string, string> = {};
  let kept = 0;
  for (const kv of header.metadata) {
    if (SEPARATELY_REPORTED_KEYS.has(kv.key) || kv.key.startsWith('tokenizer.') || !kv.key.includes('.')) continue;
    const text = scalarText(kv);
    if (text === null || kv.key in fields) continue;
    if (++kept > MAX_EXTRA_FIELDS) break;
    fields[kv.key] = text;
  }
  return fields;
}

/**
 * A GGUF model file (llama.cpp, Ollama, LocalAI images): one package named by `general.name`
 * (else the file name without `.gguf`), versioned by `general.version` (else no version), with
 * `general.license`. Type `model`, no purl (Syft writes none: the purl spec has no model type yet).
 */
export function parseGgufModel(path: string, content: Buffer): CatalogOutput {
  if (content.length === 0) return output([]);
  let header: GgufHeader;
  try {
    header = readGgufHeader(content);
  } catch (error) {
    if (error instanceof GgufError) return unknownOutput(path, `GGUF header not read: ${error.message}`);
    throw error;
  }
  const model = describeModel(header);
  const fileName = basename(path);
  const name = model.name !== '' ? model.name : fileName.endsWith('.gguf') ? fileName.slice(0, -'.gguf'.length) : fileName;
  return output([
    languagePackage({
      ref: `${path}#${name}@${model.version}`,
      name,
      version: model.version,
      type: 'model',
      purl: null,
      licenses: model.license === '' ? [] : [model.license],
      evidence: 'installed',
      source: 'gguf',
      fields: {
        ...extraFields(header),
        architecture: model.architecture,
        quantization: model.quantization,
        parameters: header.tensors.parameters.toString(),
        ggufVersion: String(header.version),
        tensorCount: header.tensorCount.toString(),
        metadataKeyValuesHash: xxhash64(goJsonMetadata(header.metadata)),
      },
      paths: [path],
    }),
  ]);
}

export const ggufCataloger: Cataloger = {
  id: 'gguf-cataloger',
  version: 1,
  packageTypes: ['model'],
  selector: { suffixes: ['.gguf'] },
  // Models are gigabytes; their header is at the start. Syft reads a header's first 50 MiB at most,
  // and so does this: a larger file is handed over as its first 50 MiB (a header running past them is an unknown).
  maxFileSize: MAX_GGUF_HEADER_BYTES,
  readsPrefix: MAX_GGUF_HEADER_BYTES,
  parse: (file: CatalogFile) => guarded(file.path, () => parseGgufModel(file.path, file.content)),
};
