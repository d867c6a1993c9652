import { ENOSPC } from '../kernel/errno.ts';

/**
 * A shared pool a sample draws instances from (mtty's 24 ports, mbochs' megabytes), reserved the 6.1 way:
 * an `atomic_try_cmpxchg` loop, which never oversubscribes (-ENOSPC when short).
 */
export class ResourcePool {
  constructor(
    /** What is left. */
    public avail: number,
  ) {}

  /** Atomically takes `need` units, or fails with -ENOSPC. */
  reserve(need: number): number {
    if (this.avail < need) return -ENOSPC;
    this.avail -= need;
    return 0;
  }

  /** Gives `n` units back (`atomic_add`). */
  give(n: number): void {
    this.avail += n;
  }
}
