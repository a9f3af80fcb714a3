export { elixirMixLockCataloger } from './mix-lock.js';
