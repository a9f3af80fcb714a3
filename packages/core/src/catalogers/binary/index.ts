export { binaryClassifierCataloger } from './classifier-cataloger.js';
