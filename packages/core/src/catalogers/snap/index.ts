export { snapCataloger } from './snap-manifests.js';
