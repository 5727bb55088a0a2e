import { IAM_ERROR_STATUS, IamErrorCode } from '@swr/contracts';

export type { IamErrorCode };

export class IamError extends Error {
  readonly status: number;

  constructor(
    readonly code: IamErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'IamError';
    this.status = IAM_ERROR_STATUS[code];
  }
}
