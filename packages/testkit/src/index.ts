export * from './tar-writer.js';
export * from './image-writer.js';
export * from './zip-writer.js';
