export { rpmCataloger } from './cataloger.js';
export { rpmArchiveCataloger } from './rpm-archive.js';
export { sourceOf } from './source-rpm.js';
export { detectRpmDbFormat, parseRpmDb, RPM_DB_LIMITS, RPM_DB_PATHS } from './rpm-db.js';
export type { RpmDbFormat, RpmDbOptions, RpmDbResult } from './rpm-db.js';
export { parseRpmHeaderBlob, RPM_HEADER_LIMITS } from './rpm-header.js';
export type { RpmHeaderEntry, RpmHeaderResult } from './rpm-header.js';
