export { cargoAuditableBinaryCataloger } from './cargo-auditable-cataloger.js';
export { rustCargoLockCataloger } from './cargo-lock-cataloger.js';
