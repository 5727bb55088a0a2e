export interface IamApiSettings {
  /** `SWR_REGION`: the one project name tokens may be scoped to, and the prefix of login names. */
  readonly region: string;
  /** Where clients reach the registry, when a proxy in front hides it. */
  readonly publicUrl?: string;
}

export const IAM_API_RPC = Symbol('IamApiRpc');
export const IAM_API_SETTINGS = Symbol('IamApiSettings');
