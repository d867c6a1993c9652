import type { ErrnoName } from './errno.ts';

/**
 * What every transition of a spec machine says about the kernel: the function or ioctl it models and,
 * for refusals, the errno that call returns.
 */
export interface TransitionMeta {
  /** The kernel function, ioctl or syscall the transition models (e.g. `mdev_device_remove`). */
  readonly kernel: string;
  /** The errno the call returns when the transition is a refusal (or an operation's failure). */
  readonly errno?: ErrnoName;
  /** What a successful call returns: a value (`0`, `1`, status flags), `fd` for a new file descriptor or `count` for a sysfs write. */
  readonly returns?: string;
  /** A fact from kernel-semantics.md worth keeping on the edge (usually with its § or C-number). */
  readonly note?: string;
  /** Present when kernel-semantics.md marks the behaviour UNVERIFIED: what is not verified. */
  readonly unverified?: string;
}

/** Extra facts on a state node (its prose lives in the state's `description`). */
export interface StateMeta {
  /** Present when kernel-semantics.md marks the state's behaviour UNVERIFIED: what is not verified. */
  readonly unverified?: string;
}
