import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SekishoError } from '../errors.js';
import { resolveEnvironment } from './environments.js';
import type { PolicyDocument } from './schema.js';
import { policyDocumentSchema } from './schema.js';
import { lazyModule } from '../util/lazy-module.js';
import { PARSE_ONCE } from '../util/parse-once.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

const MAX_POLICY_BYTES = 4 * 1024 * 1024;

/**
 * Parse and validate a policy (YAML or JSON). Every environment is resolved once here, so a
 * broken rule fails when the policy is loaded, not later when an image meets it.
 */
export function parsePolicy(text: string, source: string): PolicyDocument {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw new SekishoError('CONFIG_INVALID', `policy ${source}: larger than ${MAX_POLICY_BYTES} bytes`, { where: { file: source } });
  const doc = yaml().parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) throw new SekishoError('CONFIG_INVALID', `policy ${source}: not valid YAML: ${doc.errors[0]?.message ?? ''}`, { where: { file: source } });
  const parsed = policyDocumentSchema.safeParse(doc.toJS({ maxAliasCount: 100 }), PARSE_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined ? '' : issue.path.join('.');
    throw new SekishoError('CONFIG_INVALID', `policy ${source}: ${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid'}`, { where: { file: source } });
  }
  const policy = parsed.data;
  try {
    for (const name of Object.keys(policy.environments)) resolveEnvironment(policy, name);
    if (policy.defaultEnvironment !== undefined) resolveEnvironment(policy, policy.defaultEnvironment);
    for (const m of policy.mappings ?? []) resolveEnvironment(policy, m.environment);
  } catch (error) {
    if (error instanceof SekishoError) throw new SekishoError('CONFIG_INVALID', error.message.replace(/^policy: /, `policy ${source}: `), { where: { file: source }, cause: error });
    throw error;
  }
  return policy;
}

export async function loadPolicy(file: string): Promise<PolicyDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', `cannot read policy ${file}: ${error instanceof Error ? error.message : String(error)}`, { where: { file }, cause: error });
  }
  return parsePolicy(text, file);
}

/** JSON Schema of the policy file, for editors (`sekisho policy schema`). Rule fields are checked per kind at load. */
export function policyJsonSchema(): unknown {
  return z.toJSONSchema(policyDocumentSchema, { io: 'input', unrepresentable: 'any' });
}
