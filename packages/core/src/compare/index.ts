export { compareReports } from './compare-reports.js';
export type { CompareInputs, ComparedSide, FindingRef, PackageChange, PackageRef, ReportComparison, RuleChange, VulnerabilityRef } from './compare-reports.js';
export { renderComparisonMarkdown, renderComparisonText } from './render-comparison.js';
