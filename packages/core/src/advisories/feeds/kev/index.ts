import { errorMessage, type FeedImporter } from '../types.js';
import { jsonMembers } from '../util/json-members.js';

/**
 * CISA Known Exploited Vulnerabilities catalog
 * (https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json):
 * `{ catalogVersion, dateReleased, count, vulnerabilities: [{ cveID, dateAdded, dueDate,
 * knownRansomwareCampaignUse: "Known" | "Unknown", … }] }`.
 */
export const SOURCE_ID = 'kev';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const kevImporter: FeedImporter = {
  id: SOURCE_ID,
  version: 1,
  detect(file) {
    return /\.json(\.gz)?$/i.test(file.relative) && /"catalogVersion"\s*:/.test(file.head) && /"vulnerabilities"\s*:/.test(file.head);
  },
  async *parse(file, context) {
    let index = 0;
    for await (const member of jsonMembers(file.chunks(), ['vulnerabilities'], { maxMemberChars: 1024 * 1024 })) {
      index++;
      try {
        const item = JSON.parse(member.text) as unknown;
        if (!isObject(item)) throw new Error('not an object');
        const cve = item['cveID'];
        const dateAdded = item['dateAdded'];
        if (typeof cve !== 'string' || !cve.startsWith('CVE-') || typeof dateAdded !== 'string') throw new Error('lacks cveID or dateAdded');
        const dueDate = typeof item['dueDate'] === 'string' ? item['dueDate'] : null;
        yield { kind: 'cve', source: SOURCE_ID, facts: { cve, kev: { dateAdded, dueDate, ransomware: item['knownRansomwareCampaignUse'] === 'Known' } } };
      } catch (error) {
        context.skip(SOURCE_ID, `${file.relative}: vulnerabilities[${index - 1}]`, errorMessage(error));
      }
    }
  },
};
