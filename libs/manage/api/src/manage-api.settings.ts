export interface ManageApiSettings {
  readonly region: string;
  /** Where clients reach the registry, when a proxy in front hides it: repository paths name this host. */
  readonly publicUrl?: string;
}

export const MANAGE_RPC = Symbol('ManageRpc');
export const MANAGE_SETTINGS = Symbol('ManageSettings');
