/**
 * On a language package an OS package installed: the owner's bom-ref. Written by the CycloneDX
 * reporter and read back by `sbom-scan` (sbom-input.ts), so a re-scan judges it through its owner.
 */
export const OS_OWNER_PROPERTY = 'sekisho:package:ownedBy';
