export { homebrewCataloger } from './formula.js';
