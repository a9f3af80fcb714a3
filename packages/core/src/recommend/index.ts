export { minimalUpgrades } from './upgrades.js';
export type { PackageUpgrade } from './upgrades.js';
export { recommendBaseImage } from './base-image.js';
export type { BaseImageCandidate, BaseImageOption, BaseImageRecommendation } from './base-image.js';
export { renderRecommendationsMarkdown, renderRecommendationsText } from './render.js';
export type { Recommendations } from './render.js';
