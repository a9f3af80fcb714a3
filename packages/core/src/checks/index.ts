/**
 * `auditConfig`: the configuration-audit entry point. Detects each input's format (or takes the
 * caller's `typeHint`), sends Kubernetes manifests — all of them together, so RBAC chains and
 * NetworkPolicy coverage span files — to the Kubernetes audit, and Dockerfiles, Compose files and
 * `docker inspect` output to their auditors. One bad file becomes a fileError; the rest is scanned.
 */
import { auditCompose, detectCompose } from './compose/index.js';
import { auditDockerInspect, detectDockerInspect } from './docker-inspect/index.js';
import { auditDockerfile, detectDockerfile } from './dockerfile/index.js';
import { auditKubernetes, resolvePssVersion } from './kubernetes/index.js';
import { decodeText, looksLikeKubernetes } from './kubernetes/load.js';
import { mergeAuditResults, sortAuditResult, type ConfigAuditOptions, type ConfigAuditResult, type ConfigDocumentKind, type ConfigInput } from './types.js';

export * from './types.js';
export type * from './isolation/profile.js';
export { BREAKOUT_CATALOG, type BreakoutTechnique, type Condition } from './isolation/catalog.js';
export { LAYER_WEIGHTS, PATH_PENALTY, isolationScore, layerMatrix, openPaths } from './isolation/evaluate.js';
export { auditKubernetes, auditKubernetesObjects, type KubernetesAuditOptions } from './kubernetes/index.js';
export { PSS_CHECKS, PSS_LATEST_MINOR, evaluatePodSecurity, parsePssVersion, type PssLevel } from './kubernetes/pss/checks.js';

/** File names a directory walk should hand to `auditConfig`. */
export function isConfigCandidate(path: string): boolean {
  const base = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
  return /\.(ya?ml|json)$/i.test(base) || /^(docker|container)file([.-][\w.-]+)?$/i.test(base) || /\.(docker|container)file$/i.test(base);
}

export function detectConfigKind(path: string, text: string): ConfigDocumentKind | null {
  if (detectDockerfile(path, text) !== null) return 'dockerfile';
  if (detectDockerInspect(path, text) !== null) return 'docker-inspect';
  if (detectCompose(path, text) !== null) return 'compose';
  if (looksLikeKubernetes(text)) return 'kubernetes';
  if (/\.(ya?ml|json)$/i.test(path) || path === '-' || path === '<stdin>') return 'kubernetes';
  return null;
}

export function auditConfig(inputs: readonly ConfigInput[], options: ConfigAuditOptions = {}): ConfigAuditResult {
  resolvePssVersion(options.pssVersion); // reject a malformed version before any work
  const kube: ConfigInput[] = [];
  const results: ConfigAuditResult[] = [];
  for (const input of inputs) {
    const text = decodeText(input.content);
    if (text === null) {
      results.push({ findings: [], workloads: [], fileErrors: [{ file: input.path, reason: 'binary or not UTF-8 text' }] });
      continue;
    }
    const kind = input.typeHint ?? detectConfigKind(input.path, text);
    switch (kind) {
      case 'kubernetes':
        kube.push(input);
        break;
      case 'dockerfile':
        results.push(auditDockerfile(input.path, text));
        break;
      case 'compose':
        results.push(auditCompose(input.path, text, options.hostFacts === undefined ? {} : { hostFacts: options.hostFacts }));
        break;
      case 'docker-inspect':
        results.push(auditDockerInspect(input.path, text, options.hostFacts === undefined ? {} : { hostFacts: options.hostFacts }));
        break;
      case null:
        results.push({ findings: [], workloads: [], fileErrors: [{ file: input.path, reason: 'not a recognised configuration format (use --type)', notApplicable: true }] });
        break;
    }
  }
  if (kube.length > 0) results.push(auditKubernetes(kube, options));
  return sortAuditResult(mergeAuditResults(results));
}
