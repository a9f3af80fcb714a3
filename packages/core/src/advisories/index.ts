export type * from './types.js';
export { advisoryStoreFromRecords, ADVISORY_DB_SCHEMA_VERSION } from './memory-store.js';
export type { CveFactsInput } from './memory-store.js';
export { DEBIAN_CODENAMES, namespaceFromOsvEcosystem, normalizePackageName, schemeForNamespace } from './namespaces.js';
