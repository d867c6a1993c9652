import type { TransitionMeta } from './meta.ts';

/** Where a user operation failed: the sysfs `open` or `write`, or the VFIO holder's `group` or `dev` step. */
export type SystemStage = 'open' | 'write' | 'group' | 'dev';

/**
 * The meta of a system machine transition: {@link TransitionMeta}, plus what a
 * test needs to know about the user operation the event stands for: the stage of a refusal, that the
 * call sleeps (`blocks`), and that it lets a sleeping call return (`completes`).
 */
export interface SystemTransitionMeta extends TransitionMeta {
  /** Where the operation failed (with `errno`). */
  readonly stage?: SystemStage;
  /** The operation's system call sleeps: the step reports it blocked. */
  readonly blocks?: true;
  /** A call that slept returns during this step: the `remove` write of the slot (its byte count). */
  readonly completes?: 'remove';
}
