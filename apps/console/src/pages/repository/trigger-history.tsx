import { formatTime } from '../../logic/format';

export interface Delivery {
  readonly delivery_id: string;
  readonly tag: string;
  readonly event: string;
  readonly result: 'success' | 'failed';
  readonly status: number;
  readonly attempt: number;
  readonly duration_ms: number;
  readonly detail: string;
  readonly created_at: string;
}

/** A trigger's recent deliveries, with Redeliver for those who manage the repository. */
export function TriggerHistory({ trigger, deliveries, redeliver }: { trigger: string; deliveries: readonly Delivery[]; redeliver?: (delivery: Delivery) => void }) {
  if (deliveries.length === 0) return <p className="muted">No deliveries yet: a push of a matching tag delivers.</p>;
  return (
    <table aria-label={`Deliveries of ${trigger}`}>
      <thead>
        <tr>
          <th>Time</th>
          <th>Tag</th>
          <th>Event</th>
          <th>Result</th>
          <th>HTTP Status</th>
          <th>Attempts</th>
          <th>Detail</th>
          <th>Operation</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery, index) => (
          <tr key={`${delivery.delivery_id}-${index}`} data-testid={`delivery-${delivery.tag}`}>
            <td>{formatTime(delivery.created_at)}</td>
            <td>{delivery.tag}</td>
            <td>{delivery.event}</td>
            <td>{delivery.result === 'success' ? 'Succeeded' : 'Failed'}</td>
            <td>{delivery.status || '-'}</td>
            <td>{delivery.attempt}</td>
            <td>{delivery.detail}</td>
            <td>
              {redeliver && delivery.delivery_id && (
                <button type="button" onClick={() => redeliver(delivery)}>
                  Redeliver
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
