import { outboxAnnouncements } from '@swr/db';
import { Triggers1764700000000 } from './1764700000000-triggers';
import { DeliverySettled1764800000000 } from './1764800000000-delivery-settled';

/** In order. A migration, once released, is never edited: add a new one. */
export const TRIGGER_MIGRATIONS = [Triggers1764700000000, DeliverySettled1764800000000, outboxAnnouncements('triggers')];
export const TRIGGER_SCHEMA = 'triggers';
