export * from './severity.js';
export * from './ecosystem.js';
export * from './location.js';
export * from './distro.js';
export * from './package.js';
export * from './finding.js';
export * from './report.js';
export * from './policy.js';
