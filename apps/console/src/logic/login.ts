/**
 * SWR's long-term login key (libs/auth login-key.ts): lower-case hex HMAC-SHA256 of the AK, keyed
 * with the SK. Web Crypto computes it in the browser, so the SK is never sent; it exists only in
 * a secure context (HTTPS or localhost), else the answer is undefined and the page shows how to
 * compute it with openssl instead.
 */
export async function loginKey(accessKey: string, secretKey: string, { subtle }: { subtle?: SubtleCrypto } = globalThis.crypto ?? {}): Promise<string | undefined> {
  if (!subtle) return undefined;
  const encoder = new TextEncoder();
  const key = await subtle.importKey('raw', encoder.encode(secretKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await subtle.sign('HMAC', key, encoder.encode(accessKey)));
  return Array.from(signature, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The long-term `docker login` command: the user is `<region>@<AK>`, the password the login key. */
export function longTermLoginCommand(region: string, accessKey: string, key: string, registryHost: string): string {
  return `docker login -u ${region}@${accessKey} -p ${key} ${registryHost}`;
}

/** The shell line SWR documents for computing the login key where the browser cannot. */
export function loginKeyShellCommand(accessKey: string, secretKey: string): string {
  return `printf '%s' '${accessKey}' | openssl dgst -binary -sha256 -hmac '${secretKey}' | od -An -vtx1 | tr -d ' \\n'`;
}
