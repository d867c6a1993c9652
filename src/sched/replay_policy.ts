import type { Parked, PickPolicy } from './controlled_scheduler.ts';

/**
 * Replays a recorded schedule: at each decision, the parked step with the next recorded label; after the
 * recording, the oldest parked step. Throws when the recorded step is not runnable (the run diverged from
 * the recording: a different system, driver or command list).
 */
export function replayPolicy(labels: readonly string[]): PickPolicy {
  let i = 0;
  return (parked: readonly Parked[]) => {
    if (parked.length === 0) return undefined;
    if (i >= labels.length) return parked[0];
    const want = labels[i]!;
    const found = parked.find((p) => p.label === want);
    if (!found) {
      const runnable = parked.map((p) => `"${p.label}"`).join(', ') || 'none';
      throw new Error(`replay diverged at decision ${i}: "${want}" is not runnable (runnable: ${runnable})`);
    }
    i++;
    return found;
  };
}
