export { bitnamiCataloger } from './bitnami-spdx.js';
