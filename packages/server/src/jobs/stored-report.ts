/**
 * A report rebuilt from what the store keeps of a digest (its inventory, its latest scan and that
 * scan's findings), so a re-match or a policy evaluation never reads a layer again. The image
 * configuration is not stored: the rebuilt report has no image facts, and what needs them is
 * not judged rather than passed. A stored scan that was incomplete stays incomplete: its reasons
 * come back as unknowns.
 */
import { REPORT_SCHEMA, findingIdentity } from '@sekisho/model';
import type { Finding, ImageRecord, Report, ScanRecord, StoredFinding, StoredInventory } from '@sekisho/model';
import type { Repository } from '../repository/types.js';

export interface StoredImage {
  readonly image: ImageRecord;
  readonly inventory: StoredInventory;
  readonly scan: ScanRecord;
  /** The findings of the scan the inventory came from. */
  readonly findings: readonly StoredFinding[];
}

/** Every stored finding of `digest` under `dbVersion` (its latest scan's when absent). */
export async function allFindings(repository: Repository, digest: string, dbVersion?: string): Promise<StoredFinding[]> {
  const out: StoredFinding[] = [];
  let cursor: string | null = null;
  do {
    const page = await repository.listFindings({ digest, ...(dbVersion === undefined ? {} : { dbVersion }) }, { limit: 500, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

export async function loadStoredImage(repository: Repository, digest: string): Promise<StoredImage | null> {
  const [image, inventory] = await Promise.all([repository.getImage(digest), repository.getInventory(digest)]);
  if (image === null || inventory === null) return null;
  const scan = await repository.getScan(inventory.scanId);
  if (scan === null) return null;
  const findings = (await allFindings(repository, digest, scan.dbVersion)).filter((f) => f.scanId === scan.id);
  return { image, inventory, scan, findings };
}

/** The stored scan as a report; `findings` replaces the stored findings when given. */
export function reportOf(stored: StoredImage, findings: readonly Finding[] = stored.findings.map((f) => f.finding)): Report {
  const { image, inventory, scan } = stored;
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: scan.toolVersion },
    target: { reference: scan.reference, sourceType: 'sbom', manifestDigest: image.digest, configDigest: image.configDigest, platform: image.platform, repoTags: [] },
    image: null,
    distro: inventory.distro,
    packages: inventory.packages,
    relationships: inventory.relationships,
    findings,
    unknowns: scan.statusReasons.map((reason) => ({
      location: { path: `scan:${scan.id}`, layerDigest: null, diffId: null, layerIndex: null },
      foundBy: 'stored-scan',
      reason,
    })),
    notChecked: [],
    scanners: [...scan.scanners],
  };
}

export function identities(findings: readonly Finding[]): Set<string> {
  return new Set(findings.map(findingIdentity));
}
