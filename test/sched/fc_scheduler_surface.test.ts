import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pctScheduler } from '../../src/sched/arbitrary/pct_scheduler.ts';
import { uniformScheduler } from '../../src/sched/arbitrary/uniform_scheduler.ts';
import { propertySeed } from '../helpers/seed.ts';

/**
 * The PCT and uniform scheduler arbitraries have the surface of `fc.scheduler()`: a model-based test written
 * for fast-check's scheduler (`fc.scheduledModelRun`, `s.schedule`, `s.waitFor`) switches to them by changing
 * one arbitrary, and they find the same race. The system under test is a port pool whose reserve is
 * check-then-act across an await (the mtty-racy-ports bug in miniature), or the same with a lock; commands
 * start reserves without waiting for them, as `&` commands do in `mdevspec check`.
 */
class PortPool {
  free = 4;
  private locked: Promise<void> = Promise.resolve();
  constructor(
    private readonly delay: <T>(p: Promise<T>) => Promise<T>,
    private readonly withLock: boolean,
  ) {}
  /** Reserves `n` ports: reads the count, yields to the scheduler, then stores what it read minus `n`. */
  async reserve(n: number): Promise<boolean> {
    const unlock = this.withLock ? await this.lock() : () => {};
    try {
      const seen = this.free;
      if (seen < n) return false;
      await this.delay(Promise.resolve());
      this.free = seen - n;
      return true;
    } finally {
      unlock();
    }
  }
  private async lock(): Promise<() => void> {
    let release!: () => void;
    const previous = this.locked;
    this.locked = new Promise((r) => {
      release = r;
    });
    await previous;
    return release;
  }
}

interface Model {
  reserved: number;
}
interface Real {
  readonly pool: PortPool;
  /** Reserves started and not awaited. */
  readonly pending: Promise<void>[];
}
/** Starts a reserve of `n` ports and leaves it running. */
class Reserve implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    real.pending.push(
      real.pool.reserve(this.n).then((ok) => {
        if (ok) model.reserved += this.n;
      }),
    );
  }
  toString = () => `reserve(${this.n})`;
}

const SCHEDULERS: ReadonlyArray<[string, fc.Arbitrary<fc.Scheduler>]> = [
  ['fc.scheduler()', fc.scheduler()],
  ['uniformScheduler()', uniformScheduler()],
  ['pctScheduler({ depth: 2 })', pctScheduler({ depth: 2, steps: 8 })],
];

/** `fc.scheduledModelRun` over concurrent reserves, with `scheduler`; the result of fc.check. */
function check(scheduler: fc.Arbitrary<fc.Scheduler>, withLock: boolean, seed: number) {
  const reserves = fc.commands([fc.integer({ min: 1, max: 2 }).map((n) => new Reserve(n))], {
    maxCommands: 4,
  });
  return fc.check(
    fc.asyncProperty(scheduler, reserves, async (s, cmds) => {
      const model = { reserved: 0 };
      const real: Real = { pool: new PortPool((p) => s.schedule(p), withLock), pending: [] };
      await fc.scheduledModelRun(s, () => ({ model, real }), cmds);
      await s.waitFor(Promise.all(real.pending));
      // The invariant: the pool never forgets a reserved port.
      expect(real.pool.free + model.reserved).toBe(4);
    }),
    { seed, numRuns: 300 },
  );
}

describe('the scheduler arbitraries are drop-ins for fc.scheduler() in fc.scheduledModelRun', () => {
  it.each(SCHEDULERS)('%s finds the lost update of an unlocked check-then-act', async (name, scheduler) => {
    const r = await check(scheduler, false, propertySeed(`surface ${name}`, 7));
    expect(r.failed).toBe(true);
    expect(String(r.errorInstance)).toMatch(/expected \d to be 4/);
  });

  it.each(SCHEDULERS)('%s passes once the pool takes a lock', async (name, scheduler) => {
    const r = await check(scheduler, true, propertySeed(`surface locked ${name}`, 7));
    expect(r.failed, String(r.errorInstance)).toBe(false);
  });
});
