export { rPackageCataloger } from './description.js';
