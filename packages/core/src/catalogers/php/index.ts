export { phpComposerInstalledCataloger, phpComposerLockCataloger } from './composer.js';
