export { condaMetaCataloger } from './conda-meta.js';
