/**
 * SWR's feature gates, which its console and SDK read to decide what to offer: true for what this
 * registry does, false for what it does not.
 */
export const FEATURE_GATES = {
  enable_experience: false,
  enable_hss_service: false,
  enable_image_scan: false,
  enable_sm3: false,
  enable_image_sync: true,
  enable_cci_service: false,
  enable_image_label: false,
  enable_pipeline: false,
  enable_authorization_token: false,
  enable_resource: false,
  enable_list_v3: true,
  enable_image_quota: true,
} as const satisfies Record<string, boolean>;
