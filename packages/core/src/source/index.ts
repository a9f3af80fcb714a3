export { openImage, imageSources } from './registry.js';
export { parseReference } from './reference.js';
export type { ImageHandle, ImageSource, LayerRef, OpenOptions, ParsedReference } from './types.js';
export type { ImageConfig } from './schema.js';
