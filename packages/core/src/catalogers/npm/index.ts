export { javascriptPackageCataloger } from './package-json.js';
export { javascriptLockCataloger } from './lock-cataloger.js';
