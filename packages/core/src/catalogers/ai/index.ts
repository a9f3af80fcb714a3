export { ggufCataloger } from './gguf-cataloger.js';
