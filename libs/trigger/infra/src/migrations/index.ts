import { Triggers1764700000000 } from './1764700000000-triggers';

/** In order. A migration, once released, is never edited: add a new one. */
export const TRIGGER_MIGRATIONS = [Triggers1764700000000];
export const TRIGGER_SCHEMA = 'triggers';
