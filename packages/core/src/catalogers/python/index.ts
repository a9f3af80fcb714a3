export { pythonInstalledPackageCataloger } from './installed.js';
export { pythonPackageCataloger } from './declared.js';
