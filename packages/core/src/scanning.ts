/**
 * What a command needs to scan an image and render its report, without the rest of the core
 * (vulnerability matching, policy, configuration checks, supply chain): `@sekisho/core/scanning`.
 * `sekisho sbom` loads about a third of the core's modules through it. Everything here is also
 * exported by `@sekisho/core`, as the same module instances.
 */
export * from './startup.js';
export { scanImage, DEFAULT_LIMITS } from './scan/scan-image.js';
export type { ImageScan, ScanLimits, ScanOptions, ScanProgress } from './scan/scan-image.js';
export { DEFAULT_SCAN_TIMEOUT_MS, scanDeadline } from './util/deadline.js';
export { combineSkips, skipGlobs } from './source/rootfs/path-skip.js';
export type { PathSkip, SkipGlobs } from './source/rootfs/path-skip.js';
export { reporters, getReporter } from './reporters/registry.js';
export { RegistryClient } from './source/registry/client.js';
export type { RegistryOptions } from './source/registry/options.js';
export { parseImageReference, parseRegistryTarget } from './source/registry/reference.js';
