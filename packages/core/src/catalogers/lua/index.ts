export { luaRockCataloger } from './rockspec.js';
