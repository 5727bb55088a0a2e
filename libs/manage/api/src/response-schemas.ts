import { z } from 'zod';

// The answers of the management API as SWR shapes them: the response schemas of the OpenAPI document.

export const namespaceItem = z.object({
  id: z.number().int(),
  name: z.string(),
  creator_name: z.string(),
  auth: z.union([z.literal(1), z.literal(3), z.literal(7)]),
  access_user_count: z.number().int(),
  repo_count: z.number().int(),
});

export const repositoryDetail = z.object({
  id: z.number().int(),
  ns_id: z.number().int(),
  name: z.string(),
  category: z.string(),
  description: z.string(),
  creator_id: z.string(),
  creator_name: z.string(),
  size: z.number().int(),
  is_public: z.boolean(),
  num_images: z.number().int(),
  num_download: z.number().int(),
  url: z.string(),
  path: z.string(),
  internal_path: z.string(),
  created: z.string(),
  updated: z.string(),
  domain_id: z.string(),
  priority: z.number().int(),
});

/** What the v2 and v3 repository lists show of every repository. */
const repositorySummary = {
  name: z.string(),
  category: z.string(),
  description: z.string(),
  size: z.number().int(),
  is_public: z.boolean(),
  num_images: z.number().int(),
  num_download: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  domain_name: z.string(),
  /** For repositories shared with the caller: whether the share still holds. */
  status: z.boolean(),
};

export const repositoryListItem = z.object({
  ...repositorySummary,
  logo: z.string(),
  url: z.string(),
  path: z.string(),
  internal_path: z.string(),
  namespace: z.string(),
  tags: z.array(z.string()),
  total_range: z.number().int(),
});

export const repositoryV3 = z.object({ id: z.number().int(), ...repositorySummary, namespace_name: z.string() });

export const tagFields = {
  id: z.number().int(),
  repo_id: z.number().int(),
  image_id: z.string(),
  manifest: z.string(),
  digest: z.string(),
  schema: z.number().int(),
  path: z.string(),
  internal_path: z.string(),
  size: z.number().int(),
  is_trusted: z.boolean(),
  created: z.string(),
  updated: z.string(),
  domain_id: z.string(),
  tag_type: z.number().int(),
};


export const versionDetail = z.object({
  id: z.string(),
  links: z.object({ href: z.string(), rel: z.string() }),
  version: z.string(),
  min_version: z.string(),
  status: z.enum(['CURRENT', 'SUPPORTED', 'DEPRECATED']),
  updated: z.string(),
});
