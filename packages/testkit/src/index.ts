export * from './tar-writer.js';
