export { getVersionScheme, isVersionSchemeId, versionSchemes } from './registry.js';
export { isAffectedByEvents } from './osv-range.js';
export { withGoPrefix } from './golang/index.js';
export { VERSION_SCHEME_IDS } from './types.js';
export type { OsvEvent, VersionScheme, VersionSchemeId } from './types.js';
