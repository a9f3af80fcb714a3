/** VEX status, in OpenVEX's words; CycloneDX analysis states and CSAF product statuses map onto these. */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export type VexFormat = 'openvex' | 'cyclonedx' | 'csaf';

/** A product a statement is about: ids (purls, bom-refs, image references) and optional subcomponents (package purls inside an image). */
export interface VexProduct {
  readonly ids: readonly string[];
  readonly subcomponents: readonly string[];
}

/** One VEX statement, normalized from any of the three formats. */
export interface VexStatement {
  /** Vulnerability id and aliases. */
  readonly vulnerabilityIds: readonly string[];
  readonly products: readonly VexProduct[];
  readonly status: VexStatus;
  readonly justification: string | null;
  readonly impactStatement: string | null;
  readonly actionStatement: string | null;
  /** ISO time of the statement (or its document), for "latest statement wins". */
  readonly timestamp: string | null;
  /** Position in the order documents were given, to break timestamp ties (later wins). */
  readonly order: number;
  /** File or document id it came from. */
  readonly source: string;
  readonly format: VexFormat;
}

export interface VexDocument {
  readonly format: VexFormat;
  readonly source: string;
  readonly statements: readonly VexStatement[];
}
