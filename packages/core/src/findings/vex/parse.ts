import { SekishoError } from '../../errors.js';
import type { VexDocument, VexProduct, VexStatement, VexStatus } from './types.js';
import { arr, obj, str, strings } from '../../util/json-access.js';
import type { JsonObject } from '../../util/json-access.js';

/** Bounds for hostile documents. */
export const VEX_LIMITS = { maxBytes: 32 * 1024 * 1024, maxStatements: 200_000, maxDepth: 32 } as const;

type Json = JsonObject;

export interface VexParseResult {
  readonly document: VexDocument;
  /** Statements skipped because they were malformed, with the reason. */
  readonly skipped: readonly string[];
}

/** Parse an OpenVEX, CycloneDX VEX or CSAF VEX document (detected from its content). */
export function parseVex(text: string, source: string, order = 0): VexParseResult {
  if (text.length > VEX_LIMITS.maxBytes) throw new SekishoError('LIMIT_JSON_SIZE', `VEX document larger than ${VEX_LIMITS.maxBytes} bytes`, { where: { file: source } });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', 'VEX document is not valid JSON', { where: { file: source }, cause: error });
  }
  const root = obj(data);
  if (root === null) throw new SekishoError('CONFIG_INVALID', 'VEX document is not a JSON object', { where: { file: source } });
  const context = root['@context'];
  if (typeof context === 'string' && context.includes('openvex')) return parseOpenVex(root, source, order);
  if (root['bomFormat'] === 'CycloneDX') return parseCycloneDxVex(root, source, order);
  const doc = obj(root['document']);
  if (doc !== null && (doc['category'] === 'csaf_vex' || typeof doc['csaf_version'] === 'string')) return parseCsafVex(root, source, order);
  throw new SekishoError('CONFIG_UNSUPPORTED', 'not an OpenVEX, CycloneDX or CSAF VEX document', { where: { file: source } });
}

const OPENVEX_STATUS: Record<string, VexStatus> = { not_affected: 'not_affected', affected: 'affected', fixed: 'fixed', under_investigation: 'under_investigation' };

/** Past the limit the document is refused (exit 6) rather than cut: a silently dropped statement changes results. */
function checkedCount<T>(list: readonly T[], source: string): readonly T[] {
  if (list.length > VEX_LIMITS.maxStatements) {
    throw new SekishoError('LIMIT_ENTRY_COUNT', `VEX document has ${list.length} statements, more than the ${VEX_LIMITS.maxStatements} allowed`, { where: { file: source } });
  }
  return list;
}

/** OpenVEX v0.2.0 (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md); v0.0.x strings for vulnerability and products too. */
function parseOpenVex(root: Json, source: string, order: number): VexParseResult {
  const skipped: string[] = [];
  const statements: VexStatement[] = [];
  const docTime = str(root['last_updated']) ?? str(root['timestamp']);
  const list = arr(root['statements']);
  checkedCount(list, source).forEach((raw, i) => {
    const s = obj(raw);
    const status = s === null ? undefined : OPENVEX_STATUS[String(s['status'])];
    if (s === null || status === undefined) {
      skipped.push(`statement ${i}: no valid status`);
      return;
    }
    const vuln = s['vulnerability'];
    const vulnObj = obj(vuln);
    const ids = typeof vuln === 'string' ? [vuln] : vulnObj === null ? [] : [str(vulnObj['name']), str(vulnObj['@id']), ...strings(vulnObj['aliases'])].filter((x): x is string => x !== null);
    if (ids.length === 0) {
      skipped.push(`statement ${i}: no vulnerability`);
      return;
    }
    const products: VexProduct[] = arr(s['products']).flatMap((p): VexProduct[] => {
      if (typeof p === 'string') return [{ ids: [p], subcomponents: [] }];
      const po = obj(p);
      if (po === null) return [];
      const identifiers = obj(po['identifiers']);
      const pids = [str(po['@id']), str(identifiers?.['purl'])].filter((x): x is string => x !== null);
      const subs = arr(po['subcomponents']).flatMap((sc) => {
        if (typeof sc === 'string') return [sc];
        const so = obj(sc);
        return [str(so?.['@id']), str(obj(so?.['identifiers'])?.['purl'])].filter((x): x is string => x !== null);
      });
      return pids.length === 0 ? [] : [{ ids: pids, subcomponents: subs }];
    });
    // v0.0.x put subcomponents beside products
    const legacySubs = strings(s['subcomponents']);
    const fixedProducts = legacySubs.length > 0 ? products.map((p) => ({ ids: p.ids, subcomponents: [...p.subcomponents, ...legacySubs] })) : products;
    if (fixedProducts.length === 0) {
      skipped.push(`statement ${i}: no products`);
      return;
    }
    statements.push({
      vulnerabilityIds: ids,
      products: fixedProducts,
      status,
      justification: str(s['justification']),
      impactStatement: str(s['impact_statement']),
      actionStatement: str(s['action_statement']),
      timestamp: str(s['timestamp']) ?? docTime,
      order: order * VEX_LIMITS.maxStatements + i,
      source,
      format: 'openvex',
    });
  });
  if (list.length > VEX_LIMITS.maxStatements) skipped.push(`${list.length - VEX_LIMITS.maxStatements} statements beyond the limit`);
  return { document: { format: 'openvex', source, statements }, skipped };
}

const CDX_STATE: Record<string, VexStatus> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

/** bom-ref → purl for components, nested ones included (bounded depth). */
function cdxComponentPurls(components: unknown, into: Map<string, string>, depth = 0): void {
  if (depth > VEX_LIMITS.maxDepth) return;
  for (const c of arr(components)) {
    const co = obj(c);
    if (co === null) continue;
    const ref = str(co['bom-ref']);
    const purl = str(co['purl']);
    if (ref !== null && purl !== null) into.set(ref, purl);
    cdxComponentPurls(co['components'], into, depth + 1);
  }
}

/** CycloneDX 1.4+ vulnerabilities with `analysis` (https://cyclonedx.org/capabilities/vex/). */
function parseCycloneDxVex(root: Json, source: string, order: number): VexParseResult {
  const skipped: string[] = [];
  const statements: VexStatement[] = [];
  const purls = new Map<string, string>();
  cdxComponentPurls(root['components'], purls);
  const docTime = str(obj(root['metadata'])?.['timestamp']);
  const list = arr(root['vulnerabilities']);
  checkedCount(list, source).forEach((raw, i) => {
    const v = obj(raw);
    const analysis = obj(v?.['analysis']);
    const state = analysis === null ? undefined : CDX_STATE[String(analysis['state'])];
    const id = str(v?.['id']);
    if (v === null || id === null || state === undefined) {
      skipped.push(`vulnerability ${i}: no id or no analysis state`);
      return;
    }
    const aliases = arr(v['references']).flatMap((r) => {
      const ref = str(obj(r)?.['id']);
      return ref === null ? [] : [ref];
    });
    const products: VexProduct[] = arr(v['affects']).flatMap((a): VexProduct[] => {
      const ref = str(obj(a)?.['ref']);
      if (ref === null) return [];
      const fragment = ref.startsWith('urn:cdx:') && ref.includes('#') ? ref.slice(ref.indexOf('#') + 1) : null;
      const ids = [ref, fragment, purls.get(ref), fragment === null ? undefined : purls.get(fragment)].filter((x): x is string => typeof x === 'string' && x !== '');
      return [{ ids: [...new Set(ids)], subcomponents: [] }];
    });
    if (products.length === 0) {
      skipped.push(`vulnerability ${id}: no affects`);
      return;
    }
    const responses = strings(analysis!['response']);
    statements.push({
      vulnerabilityIds: [id, ...aliases],
      products,
      status: state,
      justification: str(analysis!['justification']),
      impactStatement: str(analysis!['detail']),
      actionStatement: responses.length > 0 ? responses.join(', ') : null,
      timestamp: str(analysis!['lastUpdated']) ?? str(analysis!['firstIssued']) ?? docTime,
      order: order * VEX_LIMITS.maxStatements + i,
      source,
      format: 'cyclonedx',
    });
  });
  return { document: { format: 'cyclonedx', source, statements }, skipped };
}

/** CSAF 2.0 product tree: product_id → purls (branches, full_product_names, relationships to their component). */
function csafProductPurls(tree: Json | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (id: string, purl: string): void => {
    const list = out.get(id) ?? [];
    if (!list.includes(purl)) list.push(purl);
    out.set(id, list);
  };
  const product = (p: unknown): void => {
    const po = obj(p);
    const id = str(po?.['product_id']);
    const helper = obj(po?.['product_identification_helper']);
    const purl = str(helper?.['purl']);
    if (id !== null && purl !== null) add(id, purl);
  };
  const walk = (branches: unknown, depth: number): void => {
    if (depth > VEX_LIMITS.maxDepth) return;
    for (const b of arr(branches)) {
      const bo = obj(b);
      if (bo === null) continue;
      product(bo['product']);
      walk(bo['branches'], depth + 1);
    }
  };
  if (tree === null) return out;
  walk(tree['branches'], 0);
  for (const p of arr(tree['full_product_names'])) product(p);
  for (const r of arr(tree['relationships'])) {
    const ro = obj(r);
    const composite = str(obj(ro?.['full_product_name'])?.['product_id']);
    const component = str(ro?.['product_reference']);
    if (composite === null || component === null) continue;
    for (const purl of out.get(component) ?? []) add(composite, purl);
    if (!out.has(composite)) out.set(composite, []);
  }
  return out;
}

const CSAF_STATUS: readonly [string, VexStatus][] = [
  ['known_not_affected', 'not_affected'],
  ['fixed', 'fixed'],
  ['first_fixed', 'fixed'],
  ['known_affected', 'affected'],
  ['first_affected', 'affected'],
  ['last_affected', 'affected'],
  ['under_investigation', 'under_investigation'],
];

/** CSAF 2.0 VEX profile (https://docs.oasis-open.org/csaf/csaf/v2.0/csaf-v2.0.html §4.5). */
function parseCsafVex(root: Json, source: string, order: number): VexParseResult {
  const skipped: string[] = [];
  const statements: VexStatement[] = [];
  const purls = csafProductPurls(obj(root['product_tree']));
  const docTime = str(obj(obj(root['document'])?.['tracking'])?.['current_release_date']);
  let n = 0;
  arr(root['vulnerabilities']).forEach((raw, i) => {
    const v = obj(raw);
    if (v === null) return;
    const ids = [str(v['cve']), ...arr(v['ids']).map((x) => str(obj(x)?.['text']))].filter((x): x is string => x !== null);
    if (ids.length === 0) {
      skipped.push(`vulnerability ${i}: no cve or ids`);
      return;
    }
    const statusObj = obj(v['product_status']) ?? {};
    const flags = arr(v['flags'])
      .map(obj)
      .filter((x): x is Json => x !== null);
    const threats = arr(v['threats'])
      .map(obj)
      .filter((x): x is Json => x !== null && x['category'] === 'impact');
    const remediations = arr(v['remediations'])
      .map(obj)
      .filter((x): x is Json => x !== null);
    for (const [key, status] of CSAF_STATUS) {
      for (const productId of strings(statusObj[key])) {
        if (n++ >= VEX_LIMITS.maxStatements) return;
        const flag = flags.find((f) => strings(f['product_ids']).includes(productId));
        const threat = threats.find((t) => strings(t['product_ids']).includes(productId));
        const remediation = remediations.find((r) => strings(r['product_ids']).includes(productId));
        statements.push({
          vulnerabilityIds: ids,
          products: [{ ids: [productId, ...(purls.get(productId) ?? [])], subcomponents: [] }],
          status,
          justification: str(flag?.['label']),
          impactStatement: str(threat?.['details']),
          actionStatement: str(remediation?.['details']),
          timestamp: str(flag?.['date']) ?? docTime,
          order: order * VEX_LIMITS.maxStatements + statements.length,
          source,
          format: 'csaf',
        });
      }
    }
  });
  return { document: { format: 'csaf', source, statements }, skipped };
}
