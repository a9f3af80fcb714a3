import type { BaseImageRecommendation } from './base-image.js';
import type { PackageUpgrade } from './upgrades.js';

export interface Recommendations {
  readonly schema: 'sekisho.recommendations/v1';
  readonly reference: string;
  readonly upgrades: readonly PackageUpgrade[];
  /** Null when no candidate base images were given. */
  readonly baseImage: BaseImageRecommendation | null;
}

function originText(origin: PackageUpgrade['origin']): string {
  return origin === 'base' ? 'base image' : origin === 'own' ? 'own layer' : '';
}

function baseLines(base: BaseImageRecommendation, row: (cells: string[]) => string): string[] {
  const lines: string[] = [];
  const scope =
    base.baseLayerCount === null ? 'the whole image (its base layers cannot be told apart; pass --base-layers N)' : `the first ${base.baseLayerCount} layer(s), by ${base.method ?? 'attribution'}`;
  lines.push(`Base image${base.currentName === null ? '' : ` ${base.currentName}`}: ${base.currentVulnerabilities} vulnerabilities in ${scope}`);
  for (const o of base.options) {
    const severities = Object.entries(o.fixesBySeverity)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    lines.push(row([o.reference, `fixes ${o.fixes}${severities === '' ? '' : ` (${severities})`}`, `introduces ${o.introduces}`, `keeps ${o.remaining}`, o.incomplete ? 'INCOMPLETE SCAN' : '']));
  }
  lines.push(
    base.best === null
      ? 'No candidate fixes more than it introduces (or every such scan was incomplete).'
      : `Best: rebuild on ${base.best.reference}${base.best.digest === null ? '' : `@${base.best.digest}`}`,
  );
  return lines;
}

/** The plain-text form: one line per package upgrade, then the base image candidates. */
export function renderRecommendationsText(r: Recommendations): string {
  const lines = [`Recommendations for ${r.reference}`, ''];
  if (r.upgrades.length === 0) lines.push('Package upgrades: none (no vulnerability with a fixed version)');
  else {
    lines.push(`Package upgrades (the smallest version that clears every fixable vulnerability of the package): ${r.upgrades.length}`);
    for (const u of r.upgrades) {
      const left = u.remaining.length === 0 ? '' : `; ${u.remaining.length} without a fix stay`;
      const where = originText(u.origin);
      lines.push(`  ${u.name} ${u.installed} -> ${u.target}  clears ${u.clears.length} (${u.severity})${left}${where === '' ? '' : `  [${where}]`}`);
    }
  }
  if (r.baseImage !== null) {
    lines.push('');
    lines.push(...baseLines(r.baseImage, (cells) => `  ${cells.filter((c) => c !== '').join('  ')}`));
  }
  return `${lines.join('\n')}\n`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Markdown, for a pull-request comment. */
export function renderRecommendationsMarkdown(r: Recommendations): string {
  const lines = [`### Recommendations for \`${cell(r.reference)}\``, ''];
  if (r.upgrades.length === 0) lines.push('No vulnerability with a fixed version: nothing to upgrade.');
  else {
    lines.push('| package | installed | upgrade to | clears | worst | stays unfixed | from |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const u of r.upgrades) lines.push(`| ${cell(u.name)} | ${cell(u.installed)} | ${cell(u.target)} | ${u.clears.length} | ${u.severity} | ${u.remaining.length} | ${originText(u.origin)} |`);
  }
  if (r.baseImage !== null) {
    lines.push('', '| base image | fixes | introduces | keeps |', '| --- | --- | --- | --- |');
    for (const o of r.baseImage.options) lines.push(`| ${cell(o.reference)}${o.incomplete ? ' (incomplete scan)' : ''} | ${o.fixes} | ${o.introduces} | ${o.remaining} |`);
    lines.push('', r.baseImage.best === null ? 'No candidate base image fixes more than it introduces.' : `**Best base:** \`${cell(r.baseImage.best.reference)}\``);
  }
  return `${lines.join('\n')}\n`;
}
