/** What the configuration of a serverless function says, whichever provider's format it came from. */
export type FunctionProvider = 'aws' | 'gcp' | 'azure';

/** Where in the configuration file a fact was read: the file and a field path. */
export interface ConfigPlace {
  readonly file: string;
  readonly fieldPath: string;
}

export interface FunctionTrigger {
  /** `http` triggers carry request data an attacker controls; other kinds are recorded for completeness. */
  readonly kind: 'http' | 'queue' | 'schedule' | 'storage' | 'other';
  /** Reachable without authentication (a function URL with AuthType NONE, an anonymous HTTP trigger, a public API route). */
  readonly anonymous: boolean;
  readonly place: ConfigPlace;
}

/** One IAM policy statement attached to the function's execution role. */
export interface PolicyStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly place: ConfigPlace;
}

export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
  readonly place: ConfigPlace;
}

export interface FunctionSpec {
  readonly provider: FunctionProvider;
  readonly name: string;
  /** The provider's runtime identifier (`nodejs18.x`, `python3.12`, `nodejs20` …), when stated. */
  readonly runtime: string | null;
  readonly runtimePlace: ConfigPlace | null;
  readonly environment: readonly EnvironmentVariable[];
  readonly triggers: readonly FunctionTrigger[];
  readonly statements: readonly PolicyStatement[];
}
