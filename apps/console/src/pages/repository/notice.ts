import { useCallback, useState } from 'react';
import { failureMessage } from '../../logic/errors';

export interface Notice {
  readonly kind: 'error' | 'info';
  readonly text: string;
}

type Run = <T>(pending: Promise<T>, done: string | ((answer: T) => Notice), after?: () => void) => Promise<boolean>;

/**
 * A tab's last outcome: `run` waits for a call and says what happened (a sentence, or one made
 * from the answer), the API's refusal in its own words (a forged request included), then calls
 * `after` (a reload, say) on success.
 */
export function useNotice(): { notice?: Notice; run: Run } {
  const [notice, say] = useState<Notice>();
  const run = useCallback<Run>(async (pending, done, after) => {
    let answer;
    try {
      answer = await pending;
    } catch (failure) {
      say({ kind: 'error', text: failureMessage(failure) });
      return false;
    }
    say(typeof done === 'string' ? { kind: 'info', text: done } : done(answer));
    after?.();
    return true;
  }, []);
  return { notice, run };
}
