import { inflateSync } from 'node:zlib';
import { z } from 'zod';
import { EMPTY_OUTPUT } from '../types.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, CatalogedRelationship, Cataloger } from '../types.js';
import { detectExeFormat, findSection, parseExe } from '../binary/exe-format.js';
import { EXECUTABLE_SELECTOR } from '../binary/exe-selector.js';
import { cargoPurl, rustMetadata } from './cargo-lock-cataloger.js';
import { PARSE_ONCE } from '../../util/parse-once.js';

/**
 * Dependency lists embedded by `cargo auditable` (https://github.com/rust-secure-code/cargo-auditable,
 * format in auditable-serde): a zlib-compressed JSON document in the `.dep-v0` section
 * (`__DATA,__dep_v0` on Mach-O) — `{"packages":[{name, version, source, kind?, dependencies?: [index], root?}]}`.
 */
const MAX_JSON = 16 * 1024 * 1024;

const AuditSchema = z.object({
  packages: z
    .array(
      z.object({
        name: z.string().min(1).max(512),
        version: z.string().max(256),
        source: z.string().max(2048),
        kind: z.enum(['build', 'runtime']).optional(),
        dependencies: z.array(z.number().int().nonnegative()).max(100_000).optional(),
        root: z.boolean().optional(),
      }),
    )
    .max(100_000),
});

export type AuditResult = { readonly kind: 'found'; readonly output: CatalogOutput } | { readonly kind: 'absent' } | { readonly kind: 'corrupt'; readonly reason: string };

export function readCargoAuditable(buf: Buffer, path: string): AuditResult {
  const exe = parseExe(buf);
  if (!exe.ok) return buf.includes('.dep-v0') ? { kind: 'corrupt', reason: `executable headers unreadable: ${exe.reason}` } : { kind: 'absent' };
  const section = findSection(exe.image, '.dep-v0', '__DATA,__dep_v0');
  if (!section) return { kind: 'absent' };
  let json: Buffer;
  try {
    json = inflateSync(buf.subarray(section.offset, section.offset + section.size), { maxOutputLength: MAX_JSON });
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { kind: 'corrupt', reason: code === 'ERR_BUFFER_TOO_LARGE' ? `.dep-v0 inflates beyond ${MAX_JSON} bytes` : '.dep-v0 is not valid zlib data' };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json.toString('utf8'));
  } catch {
    return { kind: 'corrupt', reason: '.dep-v0 is not valid JSON' };
  }
  const audit = AuditSchema.safeParse(doc, PARSE_ONCE);
  if (!audit.success) return { kind: 'corrupt', reason: `.dep-v0 has an unexpected structure: ${audit.error.issues[0]?.message ?? ''}` };
  const list = audit.data.packages;
  const packages: CatalogedPackage[] = list.map((p, i) => ({
    ref: `${path}#${i}`,
    name: p.name,
    version: p.version,
    type: 'cargo',
    purl: cargoPurl(p.name, p.version, p.source),
    licenses: [],
    evidence: 'binary',
    source: null,
    metadata: rustMetadata('cargo-auditable', { source: p.source, kind: p.kind ?? 'runtime', root: p.root ? 'true' : undefined }),
    paths: [path],
  }));
  const relationships: CatalogedRelationship[] = [];
  list.forEach((p, i) => {
    for (const d of p.dependencies ?? []) if (d < list.length && d !== i) relationships.push({ fromRef: `${path}#${i}`, toRef: `${path}#${d}`, type: 'depends-on' });
  });
  return { kind: 'found', output: { packages, relationships, ownership: [], unknowns: [] } };
}

/** Rust executables built with `cargo auditable`. */
export const cargoAuditableBinaryCataloger: Cataloger = {
  id: 'cargo-auditable-binary-cataloger',
  version: 1,
  packageTypes: ['cargo'],
  selector: EXECUTABLE_SELECTOR,
  maxFileSize: 512 * 1024 * 1024,
  parse(file: CatalogFile): CatalogOutput {
    if (detectExeFormat(file.content) === null) return EMPTY_OUTPUT;
    const r = readCargoAuditable(file.content, file.path);
    if (r.kind === 'found') return r.output;
    if (r.kind === 'corrupt') return { ...EMPTY_OUTPUT, unknowns: [{ path: file.path, reason: r.reason }] };
    return EMPTY_OUTPUT;
  },
};
