import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';

/**
 * Marks a place in vendor code where the kernel could switch to another task, typically between reading
 * shared state and acting on it. The scheduler then decides what runs next: every interleaving there is
 * explored. Callbacks are already preemptible at their entry and exit and at every lock, wait and VFIO/mdev
 * core call; add points wherever the real driver touches shared state without a lock.
 */
export async function preemptionPoint(k: Kernel, task: Task, what: string): Promise<void> {
  await k.rt.preempt(task, what);
}
