export { auditHost } from './audit-host.js';
export type { HostAudit, HostAuditOptions } from './audit-host.js';
export { HOST_FACTS_SCHEMA, RUNTIME_COMPONENTS, hostFactsSchema, isolationHostFacts, parseHostFactsDocument } from './facts.js';
export type { HostFactsDocument, KernelFacts, OsFacts, RuntimeComponent, RuntimeFact, VersionSource } from './facts.js';
export { HOST_SCANNER } from './context.js';
export { KERNEL_CATALOG_DATE, KERNEL_CVES } from './catalog/kernel-cves.js';
export { RUNTIME_CATALOG_DATE, RUNTIME_CVES } from './catalog/runtime-cves.js';
export { compareVersions, parseKernelRelease } from './versions.js';
export { hostFactLines, renderHostTable } from './render-table.js';
