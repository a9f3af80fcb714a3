export { alpmDbCataloger } from './pacman-db.js';
