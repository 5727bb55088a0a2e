import type { RepositoryAbilities } from '../../logic/permissions';

/** The repository a tab works on: its path parameters (the repository with `$` for `/`) and what the caller may do there. */
export interface RepositoryScope {
  readonly path: { readonly namespace: string; readonly repository: string };
  readonly abilities: RepositoryAbilities;
}
