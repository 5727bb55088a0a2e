export interface ManageApiSettings {
  readonly region: string;
  /** Where clients reach the registry, when a proxy in front hides it: repository paths name this host. */
  readonly publicUrl?: string;
}

export const MANAGE_RPC = Symbol('ManageRpc');
export const MANAGE_SETTINGS = Symbol('ManageSettings');

/** The registry host a client pulls from: the public URL's, else the one the request came to. */
export function registryHost(settings: ManageApiSettings, requestHost: string | undefined): string {
  return settings.publicUrl ? new URL(settings.publicUrl).host : (requestHost ?? 'localhost');
}
