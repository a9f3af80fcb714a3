import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { epssImporter } from '../epss/index.js';
import { kevImporter } from '../kev/index.js';
import { diskFile, memoryFile, runImporter } from '../util/test-feed.js';
import { nvdImporter } from './index.js';

// Hand-written in the shapes of the NVD 2.0 feeds, FIRST's EPSS CSV and CISA's KEV catalog.
const nvd = JSON.stringify({
  resultsPerPage: 2,
  format: 'NVD_CVE',
  version: '2.0',
  vulnerabilities: [
    {
      cve: {
        id: 'CVE-2099-0001',
        metrics: {
          cvssMetricV31: [
            { source: 'cna@example.invalid', type: 'Secondary', cvssData: { vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N' } },
            { source: 'nvd@nist.gov', type: 'Primary', cvssData: { vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } },
          ],
          cvssMetricV2: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { vectorString: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' } }],
        },
      },
    },
    { cve: { noid: true } },
    { cve: { id: 'CVE-2099-0002', metrics: {} } },
  ],
});

describe('NVD, EPSS and KEV importers', () => {
  it('streams NVD vulnerabilities into CVSS facts, NVD primary first', async () => {
    const { file, cleanup } = await diskFile('nvdcve-2.0-2099.json.gz', gzipSync(nvd));
    try {
      const { facts, skipped, detected } = await runImporter(nvdImporter, file);
      expect(detected).toBe(true);
      expect(facts).toEqual([
        {
          cve: 'CVE-2099-0001',
          nvd: [
            { source: 'nvd', type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' },
            { source: 'nvd', type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
            { source: 'cna@example.invalid', type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N' },
          ],
        },
        { cve: 'CVE-2099-0002', nvd: [] },
      ]);
      expect(skipped).toEqual([{ source: 'nvd', record: 'nvdcve-2.0-2099.json.gz: vulnerabilities[1]', reason: 'no cve.id' }]);
    } finally {
      cleanup();
    }
  });

  it('reads EPSS rows after the comment header', async () => {
    const csv = '#model_version:v2099.01.01,score_date:2099-01-02T00:00:00+0000\ncve,epss,percentile\nCVE-2099-0001,0.97,0.999\nnot,a,row\nCVE-2099-0002,0.00043,0.1\n';
    const { facts, skipped, detected } = await runImporter(epssImporter, memoryFile('epss_scores-current.csv', csv));
    expect(detected).toBe(true);
    expect(facts).toEqual([
      { cve: 'CVE-2099-0001', epss: { score: 0.97, percentile: 0.999 } },
      { cve: 'CVE-2099-0002', epss: { score: 0.00043, percentile: 0.1 } },
    ]);
    expect(skipped).toHaveLength(1);
  });

  it('reads the KEV catalog', async () => {
    const kev = JSON.stringify({
      title: 'CISA Catalog of Known Exploited Vulnerabilities',
      catalogVersion: '2099.01.01',
      count: 2,
      vulnerabilities: [
        { cveID: 'CVE-2099-0001', dateAdded: '2099-01-01', dueDate: '2099-01-22', knownRansomwareCampaignUse: 'Known' },
        { cveID: 'CVE-2099-0002', dateAdded: '2099-01-01', knownRansomwareCampaignUse: 'Unknown' },
      ],
    });
    const { facts, detected } = await runImporter(kevImporter, memoryFile('known_exploited_vulnerabilities.json', kev));
    expect(detected).toBe(true);
    expect(facts).toEqual([
      { cve: 'CVE-2099-0001', kev: { dateAdded: '2099-01-01', dueDate: '2099-01-22', ransomware: true } },
      { cve: 'CVE-2099-0002', kev: { dateAdded: '2099-01-01', dueDate: null, ransomware: false } },
    ]);
  });
});
