import { MdevSystem } from '../../src/api/system.ts';
import type { Task } from '../../src/kernel/task.ts';
import type { Profile } from '../../src/profile/profiles.ts';
import { V6_1 } from '../../src/profile/profiles.ts';
import { ControlledScheduler, FIFO } from '../../src/sched/controlled_scheduler.ts';

/** A system whose every step is chosen by the test (FIFO unless told otherwise). */
export async function scriptedSystem(
  profile: Profile = V6_1,
): Promise<{ sys: MdevSystem; sched: ControlledScheduler }> {
  const sched = new ControlledScheduler(FIFO);
  const sys = await MdevSystem.boot({ profile, scheduler: sched });
  return { sys, sched };
}

/**
 * Runs only `task` until it parks at a point matching `point` (other tasks stay where they are), then
 * restores FIFO scheduling. Throws if the task finishes or blocks first.
 */
export async function runUntil(
  sys: MdevSystem,
  sched: ControlledScheduler,
  task: Task,
  point: RegExp,
): Promise<void> {
  let reached = false;
  sched.policy = (parked) => {
    const mine = parked.find((p) => p.task === task);
    if (!mine) return undefined;
    if (point.test(task.point)) {
      reached = true;
      return undefined;
    }
    return mine;
  };
  await sys.settle();
  sched.policy = FIFO;
  if (!reached) throw new Error(`${task.name} never reached ${point} (now ${task.state} at ${task.point})`);
}
