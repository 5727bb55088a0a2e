import { RETENTION_ERROR_STATUS, RetentionErrorCode } from '@swr/contracts';

/** A refusal of the retention service, with the code callers map and the HTTP status it means. */
export class RetentionError extends Error {
  readonly status: number;

  constructor(
    readonly code: RetentionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RetentionError';
    this.status = RETENTION_ERROR_STATUS[code];
  }
}
