export { conanCataloger, conanInfoCataloger } from './catalogers.js';
