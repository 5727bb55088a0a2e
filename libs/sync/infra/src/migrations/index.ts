import { outboxAnnouncements } from '@swr/db';
import { Sync1765000000000 } from './1765000000000-sync';

/** In order. A migration, once released, is never edited: add a new one. */
export const SYNC_MIGRATIONS = [Sync1765000000000, outboxAnnouncements('sync')];
export const SYNC_SCHEMA = 'sync';
