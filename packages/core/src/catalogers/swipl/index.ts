export { swiplPackCataloger } from './pack-pl.js';
