export { nixStoreCataloger } from './nix-store.js';
