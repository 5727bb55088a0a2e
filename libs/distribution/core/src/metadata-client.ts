import { MessagingErrorCode, RemoteError, RpcClient, RpcContract } from '@swr/contracts';
import { isOciErrorCode, OciError } from '@swr/oci';

const UNREACHABLE: readonly string[] = [MessagingErrorCode.NoHandler, MessagingErrorCode.Timeout, MessagingErrorCode.Unavailable];

/** Calls the metadata service and turns its failures into OCI errors for the registry's clients. */
export class MetadataClient {
  constructor(private readonly rpc: RpcClient) {}

  async call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res> {
    try {
      return await this.rpc.call(contract, request);
    } catch (error) {
      throw toOciError(error);
    }
  }
}

function toOciError(error: unknown): Error {
  if (!(error instanceof RemoteError)) return error instanceof Error ? error : new Error(String(error));
  if (isOciErrorCode(error.code)) return new OciError(error.code, error.message, error.detail);
  if (UNREACHABLE.includes(error.code)) return new OciError('UNAVAILABLE', 'the metadata service is unavailable, try again');
  // Not an answer a registry client can act on: it reaches the client as UNKNOWN and the log as it is.
  return error;
}
