import type { SecretFinding, Severity } from '@sekisho/model';

/** Checks in code that a rule can ask for after its regex matched (data names them, code implements them). */
export const SECRET_VALIDATORS = ['jwt', 'pem-private-key', 'putty-private-key', 'gcp-service-account', 'docker-auth', 'base64-private-key', 'base64-text', 'base64-jwt'] as const;
export type SecretValidatorName = (typeof SECRET_VALIDATORS)[number];

/**
 * One detection rule, as data. The regex runs only on bounded windows of text around a keyword
 * hit, must pass `checkRegexSafety`, and names the secret with a `(?<secret>…)` group (else the
 * whole match is the secret).
 */
export interface SecretRule {
  /** Stable, kebab-case: `github-pat`, `aws-access-key-id`. */
  readonly id: string;
  readonly title: string;
  /** What the secret is and why it matters. */
  readonly description: string;
  readonly severity: Severity;
  /** JavaScript regex source; flags come from `flags`. */
  readonly regex: string;
  /** `i` for case-insensitive; `m` is always on (windows are lines). */
  readonly flags?: '' | 'i';
  /** Lowercase literals; the rule runs only near an occurrence of one of them. Empty only with `paths`. */
  readonly keywords: readonly string[];
  /** Minimum Shannon entropy of the secret in bits per character. */
  readonly entropy?: number;
  /** Matches to drop. */
  readonly allow?: {
    /** Globs over the absolute path (picomatch, dotfiles included). */
    readonly paths?: readonly string[];
    /** Regexes tested against the secret; a hit drops the match. */
    readonly regexes?: readonly string[];
    /** Lowercase substrings of the secret that mark a placeholder. */
    readonly stopwords?: readonly string[];
  };
  /** Only files whose path matches one of these globs. */
  readonly paths?: readonly string[];
  /** Reports this rule's match together with a match of another rule in the same file as one finding. */
  readonly pairWith?: {
    readonly rule: string;
    readonly id: string;
    readonly title: string;
    readonly severity: Severity;
  };
  /** Runs on binary files too. */
  readonly binary?: boolean;
  /** `line` (default): the window stops at line ends. `block`: the window spans lines (PEM blocks, JSON objects). */
  readonly scope?: 'line' | 'block';
  readonly validate?: SecretValidatorName;
  /** A catch-all rule: dropped where a specific rule matched the same text. */
  readonly generic?: boolean;
  /** Rule ids (a trailing `*` matches a prefix) whose overlapping matches this rule replaces. */
  readonly supersedes?: readonly string[];
  readonly fix?: string;
  readonly references?: readonly string[];
  /** Only files whose absolute path matches this regex (user rules: gitleaks `path`, Trivy `path`). */
  readonly pathRegex?: string;
  /** Allowlists in gitleaks' form (user rules); `allow` above is the built-in form. */
  readonly allowlists?: readonly SecretAllowlist[];
  /** The capture group that is the secret: a group number (0: the whole match), or the first non-empty group. Default: the `secret` group, else the whole match. */
  readonly secretGroup?: number | 'first';
}

/** One allowlist as gitleaks and Trivy configure them; every regex must pass `checkRegexSafety`. */
export interface SecretAllowlist {
  readonly description?: string;
  /** `OR` (default): one criterion that holds drops the match; `AND`: every given criterion must hold. */
  readonly condition?: 'OR' | 'AND';
  /** Regexes over the absolute path. */
  readonly paths?: readonly string[];
  readonly regexes?: readonly string[];
  /** What `regexes` are tested against (default the secret). */
  readonly regexTarget?: 'secret' | 'match' | 'line';
  /** Substrings of the secret (compared lowercase). */
  readonly stopwords?: readonly string[];
}

/** Names of the built-in global allowlists, which a user config may turn off. */
export const GLOBAL_ALLOWLIST_IDS = ['placeholder-words', 'template-references', 'package-docs-and-tests'] as const;
export type GlobalAllowlistId = (typeof GLOBAL_ALLOWLIST_IDS)[number];

export interface SecretsOptions {
  /** Put the secret itself in findings instead of `first4…(N chars)`. */
  readonly showSecrets?: boolean;
  readonly extraRules?: readonly SecretRule[];
  readonly disabledRules?: readonly string[];
  /** Which built-in rules run: all (default), none (a user config that replaces them), or these ids. */
  readonly builtinRules?: 'all' | 'none' | readonly string[];
  /** Allowlists applied to every rule (gitleaks `[allowlist]`, Trivy `allow-rules`). */
  readonly allowlists?: readonly SecretAllowlist[];
  /** Built-in global allowlists to turn off. */
  readonly disabledGlobalAllowlists?: readonly GlobalAllowlistId[];
  /** Also read the distribution's own trees (system binaries, distro-packaged language libraries); off by default. */
  readonly distroTrees?: boolean;
}

/** A secret finding as the analyzer emits it (core adds id, location, build step and removal). */
export type SecretAnalyzerFinding = Omit<SecretFinding, 'id' | 'location' | 'createdBy' | 'removedInLayer'> & {
  readonly path: string;
};
