export * from './sigstore/index.js';
