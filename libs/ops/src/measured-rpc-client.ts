import { MessagingErrorCode, RemoteError, type RpcClient, type RpcContract } from '@swr/contracts';
import { secondsSince, type LatencyHistogram } from './latency-histogram';
import type { Metrics } from './metrics';

export type RpcOutcome = 'ok' | 'error' | 'timeout';

const MESSAGING_CODES: ReadonlySet<string> = new Set(Object.values(MessagingErrorCode));

/**
 * How a call ended. A refusal coded by the owning API (a manifest unknown, a quota reached) is an
 * answer like any other: only the messaging layer's own failures (no handler, unreachable, a bad
 * request, an internal error) and anything uncoded count as errors, and its timeout as a timeout.
 */
export function rpcOutcome(error: unknown): RpcOutcome {
  if (!(error instanceof RemoteError)) return 'error';
  if (error.code === MessagingErrorCode.Timeout) return 'timeout';
  return MESSAGING_CODES.has(error.code) ? 'error' : 'ok';
}

/** An RPC client that times every call it passes on; subjects come from the contracts, so the label stays bounded. */
export class MeasuredRpcClient implements RpcClient {
  private readonly duration: LatencyHistogram<'subject' | 'outcome'>;

  constructor(
    private readonly inner: RpcClient,
    metrics: Metrics,
  ) {
    this.duration = metrics.histogram(
      'swr_rpc_client_duration_seconds',
      'RPCs this process made, by contract subject and outcome (ok: answered, an API-coded refusal included; error: a messaging or internal failure; timeout), until the answer arrived',
      ['subject', 'outcome'],
    );
  }

  async call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res> {
    const started = performance.now();
    try {
      const response = await this.inner.call(contract, request);
      this.duration.of(contract.subject, 'ok').observe(secondsSince(started));
      return response;
    } catch (error) {
      this.duration.of(contract.subject, rpcOutcome(error)).observe(secondsSince(started));
      throw error;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
