import { Controller, Inject } from '@nestjs/common';
import { GarbageRpc, RequestOf } from '@swr/contracts';
import { Handles } from '@swr/messaging';
import { GarbageService } from '@swr/metadata-core';

type Req<K extends keyof typeof GarbageRpc> = RequestOf<(typeof GarbageRpc)[K]>;

/** Garbage collection over RPC: the retention worker's schedule and the operator's API start runs and read their history. */
@Controller()
export class GarbageRpcController {
  constructor(@Inject(GarbageService) private readonly garbage: GarbageService) {}

  @Handles(GarbageRpc.run)
  run(req: Req<'run'>) {
    return this.garbage.run(req.trigger, req.dryRun);
  }

  @Handles(GarbageRpc.get)
  async get(req: Req<'get'>) {
    return (await this.garbage.get(req.id)) ?? null;
  }

  @Handles(GarbageRpc.list)
  list(req: Req<'list'>) {
    return this.garbage.list(req.limit, req.offset);
  }
}
