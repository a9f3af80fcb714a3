export { terraformLockCataloger } from './lock.js';
