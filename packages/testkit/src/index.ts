export * from './tar-writer.js';
export * from './image-writer.js';
export * from './zip-writer.js';
export * from './shared-data.js';
export * from './lent-chunks.js';
export * from './serve-image.js';
export * from './quiet-zstd.js';
