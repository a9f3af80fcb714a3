export * from './errors.js';
export * from './supply-chain/index.js';
