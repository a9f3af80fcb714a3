export { haskellCabalFreezeCataloger, haskellStackCataloger, haskellStackLockCataloger } from './haskell.js';
