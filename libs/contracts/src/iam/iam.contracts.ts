import { z } from 'zod';
import { rpc } from '../rpc';

const secret = z.string().max(1024);

/** IAM's name as the issuer of registry tokens; verifiers expect exactly this. */
export const REGISTRY_TOKEN_ISSUER = 'swr-iam';

/** What the gateway asks the IAM service. */
export const IamRpc = {
  /** The Docker token service: credentials are optional (anonymous pulls of public repositories). */
  registryTokenIssue: rpc(
    'iam.registry-token.issue.v1',
    z.object({
      service: z.string().max(255),
      scopes: z.array(z.string().max(1024)).max(50),
      username: z.string().max(512).optional(),
      password: secret.optional(),
    }),
    z.object({ token: z.string(), expiresIn: z.number().int(), issuedAt: z.string() }),
  ),
  /** Public keys registry tokens are signed with, for verification in the gateway. */
  signingKeysList: rpc(
    'iam.signing-keys.list.v1',
    z.object({}),
    z.object({ issuer: z.string(), service: z.string(), keys: z.array(z.object({ kid: z.string(), publicPem: z.string() })) }),
  ),
} as const;
