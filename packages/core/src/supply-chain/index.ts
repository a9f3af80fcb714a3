export * from './sigstore/index.js';
export * from './image/index.js';
