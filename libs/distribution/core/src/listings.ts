import { IamRpc, MetadataRpc, RpcClient } from '@swr/contracts';
import { OciError } from '@swr/oci';
import type { MetadataClient } from './metadata-client';

export const MAX_PAGE_SIZE = 1000;

export interface Page {
  readonly n: number;
  readonly last?: string;
}

export interface Listing {
  readonly items: string[];
  /** Where the next page starts, when there is one. */
  readonly next?: Page;
}

/**
 * `n` and `last` of a list request. A page larger than we serve is cut to MAX_PAGE_SIZE: the spec
 * lets a registry return fewer than `n`, and the Link header leads to the rest.
 */
export function parsePage(n: string | undefined, last: string | undefined): Page {
  let size = MAX_PAGE_SIZE;
  if (n !== undefined) {
    if (!/^\d{1,12}$/.test(n)) throw new OciError('PAGINATION_NUMBER_INVALID', 'n must be a non-negative integer', { n: n.slice(0, 50) });
    size = Math.min(Number(n), MAX_PAGE_SIZE);
  }
  if (last !== undefined && last.length > 512) throw new OciError('PAGINATION_NUMBER_INVALID', 'last is too long');
  return { n: size, last: last || undefined };
}

function listing(items: string[], more: boolean, page: Page): Listing {
  return more && items.length ? { items, next: { n: page.n, last: items[items.length - 1] } } : { items };
}

export class Listings {
  constructor(
    private readonly metadata: MetadataClient,
    private readonly iam: RpcClient,
  ) {}

  async tags(repository: string, page: Page): Promise<Listing> {
    if (page.n === 0) {
      await this.metadata.call(MetadataRpc.tagList, { repository, n: 1 });
      return { items: [] };
    }
    const { tags, more } = await this.metadata.call(MetadataRpc.tagList, { repository, n: page.n, last: page.last });
    return listing(tags, more, page);
  }

  /**
   * A catalog page showing only what `subject` may pull. Hidden names leave the page shorter (the
   * spec allows fewer than `n`); the Link still continues after the last name of the whole page.
   */
  async repositories(page: Page, subject?: string): Promise<Listing> {
    if (page.n === 0) return { items: [] };
    const { repositories, more } = await this.metadata.call(MetadataRpc.catalogList, { n: page.n, last: page.last });
    const { names } = repositories.length ? await this.iam.call(IamRpc.repositoriesVisible, { userId: subject, names: repositories }) : { names: [] };
    const whole = listing(repositories, more, page);
    return { items: names, next: whole.next };
  }
}
