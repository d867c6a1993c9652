import type { Parked, PickPolicy } from './controlled_scheduler.ts';

/** What a PCT run was set up with, for the report of its guarantee. */
export interface PctSetup {
  /** The bug depth it targets (d): d − 1 priority change points. */
  readonly depth: number;
  /** The number of steps it assumed a run takes (k). */
  readonly steps: number;
  /** The steps at which a priority changes. */
  readonly changePoints: readonly number[];
}

/** The thread a parked step belongs to: its kernel task, or the harness step itself (a command start). */
function threadOf(p: Parked): string {
  return p.task ? `task ${p.task.id}` : p.label;
}

/**
 * Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): every thread
 * gets a random priority when it first appears (all at least `depth`), `depth − 1` change points are drawn
 * uniformly among the first `steps` steps, and at every step the highest-priority runnable thread runs; at
 * the j-th change point the thread about to run drops to priority `depth − j`, below all initial ones. A
 * bug that needs `depth` ordering constraints among `n` threads in a run of at most `steps` steps is found
 * with probability at least 1/(n·steps^(depth−1)) per run. Steps count only where two or more threads can
 * run (elsewhere a change point could change nothing), which keeps `steps` — and so the bound — small.
 */
export function pctPolicy(
  random: () => number,
  depth: number,
  steps: number,
): PickPolicy & { readonly setup: PctSetup } {
  const priority = new Map<string, number>();
  const changePoints: number[] = [];
  while (changePoints.length < Math.min(depth - 1, steps)) {
    const at = 1 + Math.floor(random() * steps);
    if (!changePoints.includes(at)) changePoints.push(at);
  }
  changePoints.sort((a, b) => a - b);
  let step = 0;
  const highest = (parked: readonly Parked[]): Parked => {
    let best = parked[0]!;
    for (const p of parked) if (priority.get(threadOf(p))! > priority.get(threadOf(best))!) best = p;
    return best;
  };
  const policy = (parked: readonly Parked[]): Parked | undefined => {
    if (parked.length === 0) return undefined;
    for (const p of parked) {
      const thread = threadOf(p);
      if (!priority.has(thread)) priority.set(thread, depth + random());
    }
    // Only steps with a choice count: a change point where one thread can run would change nothing.
    if (parked.length === 1) return parked[0];
    step++;
    const change = changePoints.indexOf(step);
    if (change >= 0) priority.set(threadOf(highest(parked)), depth - 1 - change);
    return highest(parked);
  };
  return Object.assign(policy, { setup: { depth, steps, changePoints } });
}

/** PCT's lower bound on the probability that one run finds a bug of depth `depth`. */
export function pctGuarantee(threads: number, steps: number, depth: number): number {
  return 1 / (threads * steps ** (depth - 1));
}
