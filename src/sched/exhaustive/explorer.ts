import type { Parked, PickPolicy } from '../controlled_scheduler.ts';
import { independent, type StepFootprint, stepFootprint } from './step_footprint.ts';

/** One decision point of the search: what could run, what was tried, and what is asleep there. */
interface Frame {
  readonly enabled: readonly string[];
  chosen: string;
  readonly tried: string[];
  /** Steps asleep at this node (already explored through an equivalent order). */
  readonly sleep: ReadonlySet<string>;
  /** No alternative is explored from this node (its state was explored before, or all steps were asleep). */
  readonly closed: boolean;
}

/** How the search went. */
export interface ExplorationStats {
  /** Interleavings (runs) executed. */
  readonly interleavings: number;
  /** Distinct states met at decision points. */
  readonly states: number;
  /** Decision points pruned because their state had been explored before. */
  readonly cacheHits: number;
  /** Alternatives skipped because they were asleep (partial-order reduction). */
  readonly sleepPruned: number;
  /** Every interleaving within the bound was explored: a proof for this operation set and bound. */
  readonly exhausted: boolean;
}

/** One execution of the program under the explorer's policy; `stop` ends the search (e.g. a failure found). */
export type ExploreRun = (
  policy: PickPolicy,
  stateKey: (key: () => string) => void,
) => Promise<{ stop: boolean }>;

/**
 * Bounded exhaustive enumeration of the interleavings of a deterministic program, by re-execution (stateless
 * model checking, as dejafu and shuttle do): depth-first over the scheduling decisions, each run following
 * the choices of the path so far and then the first untried step. Partial-order reduction with sleep sets
 * (Godefroid): after one order of two independent steps has been explored, the other is not (`independent`
 * reads the footprints the step labels name). A state cache skips a decision point whose state (`stateKey`,
 * given by the run) was already explored with a sleep set no larger. Stops after `bound` interleavings.
 */
export async function exploreInterleavings(run: ExploreRun, bound: number): Promise<ExplorationStats> {
  let frames: Frame[] = [];
  const cache = new Map<string, ReadonlySet<string>>();
  let interleavings = 0;
  let cacheHits = 0;
  let sleepPruned = 0;
  const footprints = new Map<string, StepFootprint>();
  const footprint = (label: string): StepFootprint => {
    const known = footprints.get(label);
    if (known) return known;
    const f = stepFootprint(label);
    footprints.set(label, f);
    return f;
  };

  for (;;) {
    let depth = 0;
    let keyOf: (() => string) | null = null;
    const policy: PickPolicy = (parked: readonly Parked[]) => {
      if (parked.length === 0) return undefined;
      let frame = frames[depth];
      if (!frame) {
        const enabled = parked.map((p) => p.label);
        const parent = frames[depth - 1];
        const sleep = new Set<string>();
        if (parent) {
          const taken = footprint(parent.chosen);
          const before = [...parent.sleep, ...parent.tried.slice(0, -1)];
          for (const s of before) if (enabled.includes(s) && independent(footprint(s), taken)) sleep.add(s);
        }
        const key = keyOf?.();
        const seen = key === undefined ? undefined : cache.get(key);
        const hit = seen !== undefined && [...seen].every((s) => sleep.has(s));
        if (hit) cacheHits++;
        else if (key !== undefined) cache.set(key, sleep);
        const awake = enabled.filter((l) => !sleep.has(l));
        const chosen = hit || awake.length === 0 ? enabled[0]! : awake[0]!;
        frame = { enabled, chosen, tried: [chosen], sleep, closed: hit || awake.length === 0 };
        frames.push(frame);
      }
      depth++;
      const found = parked.find((p) => p.label === frame.chosen);
      if (!found)
        throw new Error(
          `exploration diverged: "${frame.chosen}" is not runnable (the program is not deterministic)`,
        );
      return found;
    };
    const result = await run(policy, (key) => {
      keyOf = key;
    });
    interleavings++;
    frames = frames.slice(0, depth);
    if (result.stop || interleavings >= bound) return stats(false);
    // Backtrack to the deepest frame with an untried step that is awake.
    while (frames.length > 0) {
      const top = frames[frames.length - 1]!;
      const untried = top.closed
        ? undefined
        : top.enabled.find((l) => !top.tried.includes(l) && !top.sleep.has(l));
      if (untried) {
        top.chosen = untried;
        top.tried.push(untried);
        break;
      }
      sleepPruned += top.enabled.filter((l) => top.sleep.has(l)).length;
      frames.pop();
    }
    if (frames.length === 0) return stats(true);
  }

  function stats(exhausted: boolean): ExplorationStats {
    return { interleavings, states: cache.size, cacheHits, sleepPruned, exhausted };
  }
}
