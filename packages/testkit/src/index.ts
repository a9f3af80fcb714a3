export * from './tar-writer.js';
export * from './image-writer.js';
