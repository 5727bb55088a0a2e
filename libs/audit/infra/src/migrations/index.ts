import { AuditTrail1764600000000 } from './1764600000000-audit-trail';

/** In order. A migration, once released, is never edited: add a new one. */
export const AUDIT_MIGRATIONS = [AuditTrail1764600000000];
export const AUDIT_SCHEMA = 'audit';
