export { portageCataloger } from './portage-db.js';
