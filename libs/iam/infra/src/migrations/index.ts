import { IamSchema1764100000000 } from './1764100000000-iam-schema';

/** In order. A migration, once released, is never edited: add a new one. */
export const IAM_MIGRATIONS = [IamSchema1764100000000];
export const IAM_SCHEMA = 'iam';
