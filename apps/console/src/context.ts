import { createContext, useContext } from 'react';
import type { ManageClient } from './api/client';
import type { IamClient } from './api/iam';
import type { Session } from './api/session';

export interface ConsoleContext {
  readonly session: Session;
  readonly client: ManageClient;
  readonly iam: IamClient;
  /** The API refused the session's token: back to sign-in. */
  readonly onRefused: () => void;
}

export const Console = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const context = useContext(Console);
  if (!context) throw new Error('useConsole outside a signed-in console');
  return context;
}

/** The repository as a management API path parameter: SWR writes its slashes as `$`. */
export const repositoryParameter = (repository: string) => repository.replace(/\//g, '$');
