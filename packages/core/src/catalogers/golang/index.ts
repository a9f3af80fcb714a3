export { goModuleBinaryCataloger } from './binary-cataloger.js';
export { goModuleFileCataloger } from './go-mod-cataloger.js';
