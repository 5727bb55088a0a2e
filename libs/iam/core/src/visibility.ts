import { allowedActions } from '@swr/auth';
import type { AccessGraph, Directory } from './ports';
import { principalOf } from './principal';

/** Which of some repositories a caller may pull (and so see listed): the registry's own access decision, in bulk. */
export class Visibility {
  constructor(
    private readonly graph: AccessGraph,
    private readonly directory: Directory,
  ) {}

  /** `userId` is the subject of a registry token the gateway verified; undefined for anonymous clients. */
  async visible(names: readonly string[], userId?: string): Promise<string[]> {
    const user = userId ? await this.directory.findUser(userId) : undefined;
    const caller = user?.enabled ? principalOf(user) : undefined;
    const facts = await this.graph.factsOfMany(names, caller);
    return names.filter((_, i) => allowedActions(caller, facts[i]).has('pull'));
  }
}
