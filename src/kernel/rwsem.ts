import type { Runtime } from './runtime.ts';
import type { Task } from './task.ts';
import { WaitQueue } from './waitqueue.ts';

/**
 * A `struct rw_semaphore` as mdev uses it for `parent->unreg_sem` (v5.2+): create and remove take it for
 * read with `down_read_trylock()`, parent unregistration takes it for write. A trylock fails while a writer
 * holds it or waits for it (the RWSEM_FLAG_WAITERS bit makes readers fail), which is what turns a create
 * during unregistration into -ENODEV.
 */
export class RwSemaphore {
  readers = 0;
  writer: Task | null = null;
  writersWaiting = 0;
  private readonly wq: WaitQueue;

  constructor(
    private readonly rt: Runtime,
    readonly name: string,
  ) {
    this.wq = new WaitQueue(rt, `rwsem ${name}`);
  }

  /** `down_read_trylock()`: true when the read lock was taken. */
  async downReadTrylock(task: Task): Promise<boolean> {
    await this.rt.preempt(task, `down_read_trylock ${this.name}`);
    if (this.writer !== null || this.writersWaiting > 0) return false;
    this.readers++;
    return true;
  }

  /** `up_read()`. */
  upRead(): void {
    if (this.readers <= 0) throw new Error(`rwsem ${this.name}: up_read without a reader`);
    this.readers--;
    this.wq.wakeUpAll();
  }

  /** `down_write()`: waits for readers to drain; new read trylocks fail from the moment it starts waiting. */
  async downWrite(task: Task): Promise<void> {
    await this.rt.preempt(task, `down_write ${this.name}`);
    this.writersWaiting++;
    await this.wq.waitEvent(task, () => {
      if (this.writer !== null || this.readers > 0) return false;
      this.writer = task;
      this.writersWaiting--;
      return true;
    });
  }

  /** `up_write()`. */
  upWrite(task: Task): void {
    if (this.writer !== task) throw new Error(`rwsem ${this.name}: up_write by a non-owner`);
    this.writer = null;
    this.wq.wakeUpAll();
  }
}
