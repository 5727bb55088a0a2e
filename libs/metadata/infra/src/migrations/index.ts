import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** In order. A migration, once released, is never edited: add a new one. */
export const METADATA_MIGRATIONS = [InitialSchema1764000000000];
export const METADATA_SCHEMA = 'metadata';
