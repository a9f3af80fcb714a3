export { dartPubspecCataloger, dartPubspecLockCataloger } from './pubspec.js';
