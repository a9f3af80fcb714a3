import { readFile } from 'node:fs/promises';
import { SekishoError } from '../../errors.js';
import type { VexParseResult } from './parse.js';
import { VEX_LIMITS, parseVex } from './parse.js';

export { parseVex, VEX_LIMITS } from './parse.js';
export type { VexParseResult } from './parse.js';
export type { VexDocument, VexFormat, VexProduct, VexStatement, VexStatus } from './types.js';

/** Read and parse one VEX file; `order` is its position among the files given (later wins ties). */
export async function loadVexFile(file: string, order = 0): Promise<VexParseResult> {
  let text: string;
  try {
    const buffer = await readFile(file);
    if (buffer.length > VEX_LIMITS.maxBytes) throw new SekishoError('LIMIT_JSON_SIZE', `VEX document larger than ${VEX_LIMITS.maxBytes} bytes`, { where: { file } });
    text = buffer.toString('utf8');
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    throw new SekishoError('CONFIG_INVALID', `cannot read VEX file: ${error instanceof Error ? error.message : String(error)}`, { where: { file }, cause: error });
  }
  return parseVex(text, file, order);
}
