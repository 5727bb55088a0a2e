import { IamRpc, RemoteError, RpcClient } from '@swr/contracts';
import { OciError, ociErrorBody } from '@swr/oci';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const TOKEN_PATH = '/auth/token';
const MAX_FORM_BYTES = 64 * 1024;

interface TokenRequest {
  service: string;
  scopes: string[];
  username?: string;
  password?: string;
}

/** Basic credentials of a GET: `user:password`, the password being everything after the first colon. */
function basicCredentials(header: string | undefined): { username?: string; password?: string } {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return {};
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? {} : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function readForm(request: FastifyRequest): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request.raw) {
    body += (chunk as Buffer).toString('utf8');
    if (body.length > MAX_FORM_BYTES) throw new OciError('PAYLOAD_TOO_LARGE', 'token request too large');
  }
  return new URLSearchParams(body);
}

/**
 * The Docker token endpoint: `GET` with Basic credentials (docker, podman, skopeo) and the OAuth2
 * `POST` form containerd sends first. IAM decides; this only translates.
 */
export async function tokenRoutes(app: FastifyInstance, iam: RpcClient): Promise<void> {
  // containerd's OAuth2 form: left unparsed here, read (bounded) by readForm.
  app.addContentTypeParser('application/x-www-form-urlencoded', (_request, _payload, done) => done(null, undefined));
  const respond = async (reply: FastifyReply, request: TokenRequest) => {
    try {
      const issued = await iam.call(IamRpc.registryTokenIssue, request);
      return reply
        .code(200)
        .header('content-type', 'application/json')
        .header('cache-control', 'no-store')
        .send(JSON.stringify({ token: issued.token, access_token: issued.token, expires_in: issued.expiresIn, issued_at: issued.issuedAt }));
    } catch (error) {
      const { status, oci } = tokenFailure(error);
      if (oci.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Basic realm="swr"');
      return reply.code(status).header('content-type', 'application/json').send(JSON.stringify(ociErrorBody([oci])));
    }
  };

  app.get(TOKEN_PATH, (request, reply) => {
    const query = new URLSearchParams(request.raw.url?.split('?')[1] ?? '');
    return respond(reply, { service: query.get('service') ?? '', scopes: query.getAll('scope'), ...basicCredentials(request.headers.authorization) });
  });

  app.post(TOKEN_PATH, async (request, reply) => {
    const form = await readForm(request);
    const grant = form.get('grant_type');
    if (grant !== 'password') {
      const oci = new OciError('UNSUPPORTED', `grant_type ${String(grant).slice(0, 50)} is not supported`);
      return reply.code(400).header('content-type', 'application/json').send(JSON.stringify(ociErrorBody([oci])));
    }
    return respond(reply, {
      service: form.get('service') ?? '',
      scopes: (form.get('scope') ?? '').split(' ').filter(Boolean),
      username: form.get('username') ?? undefined,
      password: form.get('password') ?? undefined,
    });
  });
}

/**
 * How an IAM failure reads at the token endpoint. The status is named here, not taken from the OCI
 * table: a request for a service we are not is the client's error (400), not an unsupported method.
 */
function tokenFailure(error: unknown): { status: number; oci: OciError } {
  const as = (status: number, oci: OciError) => ({ status, oci });
  if (!(error instanceof RemoteError)) return as(500, new OciError('UNKNOWN', 'internal error'));
  switch (error.code) {
    case 'IAM_INVALID_CREDENTIALS':
      return as(401, new OciError('UNAUTHORIZED', error.message));
    case 'IAM_LOGIN_LOCKED':
      return as(429, new OciError('TOOMANYREQUESTS', error.message, error.detail));
    case 'IAM_INVALID_REQUEST':
    case 'RPC_BAD_REQUEST':
      return as(400, new OciError('UNSUPPORTED', error.message));
    default:
      return as(503, new OciError('UNAVAILABLE', 'the IAM service is unavailable, try again'));
  }
}
