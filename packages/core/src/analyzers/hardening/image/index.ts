export { evaluateImageHardening, imageHardeningUnknowns } from './evaluate.js';
export { IMAGE_HARDENING_CHECKS, type ImageHardeningCheck, type ImageHardeningCheckId } from './catalog.js';
export { CHECKER_ID as IMAGE_HARDENING_CHECKER_ID, type ImageHardeningInput, type ImageHardeningOptions } from './types.js';
export { parseHistoryStep, downloadPipedToShell, remoteAddSources, type HistoryStep } from './history.js';
