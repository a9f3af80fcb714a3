export { opamCataloger } from './opam.js';
