import { outboxAnnouncements } from '@swr/db';
import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { RepositoryAttributes1764200000000 } from './1764200000000-repository-attributes';
import { RepositoryNameSearch1764400000000 } from './1764400000000-repository-name-search';
import { EventOutbox1764500000000 } from './1764500000000-event-outbox';
import { AccountDays1764600000000 } from './1764600000000-account-days';
import { PullBatches1764610000000 } from './1764610000000-pull-batches';
import { GarbageReview1764700000000 } from './1764700000000-garbage-review';
import { UploadPartRows1765200000000 } from './1765200000000-upload-part-rows';
import { UnchargedLinkGuard1765300000000 } from './1765300000000-uncharged-link-guard';
import { UnchargedGuard1765400000000 } from './1765400000000-uncharged-guard';

/** In order. A migration, once released, is never edited: add a new one. */
export const METADATA_MIGRATIONS = [
  InitialSchema1764000000000,
  RepositoryAttributes1764200000000,
  RepositoryNameSearch1764400000000,
  EventOutbox1764500000000,
  AccountDays1764600000000,
  PullBatches1764610000000,
  GarbageReview1764700000000,
  outboxAnnouncements('metadata'),
  UploadPartRows1765200000000,
  UnchargedLinkGuard1765300000000,
  UnchargedGuard1765400000000,
];
export const METADATA_SCHEMA = 'metadata';
