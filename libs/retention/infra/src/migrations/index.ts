import { outboxAnnouncements } from '@swr/db';
import { Retention1764900000000 } from './1764900000000-retention';

/** In order. A migration, once released, is never edited: add a new one. */
export const RETENTION_MIGRATIONS = [Retention1764900000000, outboxAnnouncements('retention')];
export const RETENTION_SCHEMA = 'retention';
