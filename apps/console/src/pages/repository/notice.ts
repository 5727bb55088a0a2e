import { useCallback, useState } from 'react';
import { failureMessage } from '../../logic/errors';

export interface Notice {
  readonly kind: 'error' | 'info';
  readonly text: string;
}

/**
 * A tab's last outcome: `run` waits for a call and says what happened, the API's refusal in its
 * own words (a forged request included), then calls `after` (a reload, say) on success.
 */
export function useNotice(): { notice?: Notice; run: (pending: Promise<unknown>, done: string, after?: () => void) => Promise<boolean> } {
  const [notice, say] = useState<Notice>();
  const run = useCallback(async (pending: Promise<unknown>, done: string, after?: () => void) => {
    try {
      await pending;
    } catch (failure) {
      say({ kind: 'error', text: failureMessage(failure) });
      return false;
    }
    say({ kind: 'info', text: done });
    after?.();
    return true;
  }, []);
  return { notice, run };
}
