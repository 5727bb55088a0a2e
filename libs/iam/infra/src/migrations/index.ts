import { outboxAnnouncements } from '@swr/db';
import { IamSchema1764100000000 } from './1764100000000-iam-schema';
import { OrganizationDetails1764300000000 } from './1764300000000-organization-details';
import { EventOutbox1764500000000 } from './1764500000000-event-outbox';

/** In order. A migration, once released, is never edited: add a new one. */
export const IAM_MIGRATIONS = [IamSchema1764100000000, OrganizationDetails1764300000000, EventOutbox1764500000000, outboxAnnouncements('iam')];
export const IAM_SCHEMA = 'iam';
