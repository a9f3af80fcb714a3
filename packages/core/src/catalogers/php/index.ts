export { phpComposerInstalledCataloger, phpComposerLockCataloger } from './composer.js';
export { phpPearRegistryCataloger } from './pear-registry.js';
