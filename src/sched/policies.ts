import type { Parked, PickPolicy } from './controlled_scheduler.ts';

/** A small seeded PRNG (mulberry32): the same seed gives the same choices on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniformly random choice among the parked items (fast-check's strategy), from a seeded generator. */
export function randomPolicy(random: () => number): PickPolicy {
  return (parked) => parked[Math.floor(random() * parked.length)];
}

/**
 * Replays a recorded schedule: at each decision, the parked item with the next recorded label. Throws when
 * the recorded step is not available (the run diverged from the recording).
 */
export function replayPolicy(labels: readonly string[]): PickPolicy {
  let i = 0;
  return (parked: readonly Parked[]) => {
    if (i >= labels.length) return parked[0];
    const want = labels[i]!;
    const found = parked.find((p) => p.label === want);
    if (!found) {
      throw new Error(
        `replay diverged at decision ${i}: "${want}" is not runnable (runnable: ${parked.map((p) => `"${p.label}"`).join(', ') || 'none'})`,
      );
    }
    i++;
    return found;
  };
}
