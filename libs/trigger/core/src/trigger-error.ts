import { TRIGGER_ERROR_STATUS, TriggerErrorCode } from '@swr/contracts';

/** A refusal of the trigger service, with the code callers map and the HTTP status it means. */
export class TriggerError extends Error {
  readonly status: number;

  constructor(
    readonly code: TriggerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TriggerError';
    this.status = TRIGGER_ERROR_STATUS[code];
  }
}
