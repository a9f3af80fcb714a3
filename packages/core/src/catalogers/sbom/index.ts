export { sbomCataloger } from './embedded-sbom.js';
