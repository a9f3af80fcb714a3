export { matchers, MATCHER_BY_PACKAGE_TYPE } from './registry.js';
export { distroMatcher, searchNames, sourceRpmName } from './distro/index.js';
export { binaryMatcher, languageMatcher, ECOSYSTEM_RULES } from './language/index.js';
export type { LanguagePackageType } from './language/index.js';
export { distroNamespace, distroReleaseKey, normalizePypiName } from './namespace.js';
export { describeEvents, evaluateAffected } from './evaluate.js';
export type { Evaluation, VersionMapper } from './evaluate.js';
export type { AdvisoryMatch, Matcher, MatchContext, MatchUnknown, PackageMatchResult } from './types.js';
