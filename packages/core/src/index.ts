export * from './errors.js';
export * from './supply-chain/index.js';
export * from './checks/index.js';
export * from './reporters/sarif/index.js';
