/**
 * The data of the atomic rules (atomic_rules.ts): the user-visible state of modules, parents, devices and
 * holder processes, the operations, and what a step returns. Plain data, no behaviour but the three result
 * constructors.
 */
import type { ErrnoName } from './errno.ts';
import type { KernelProfile } from './profile.ts';

/** The modules a user loads and unloads: VFIO's and mdev's, and parent drivers (by name). */
export type SpecModule = 'vfio' | 'vfio_iommu_type1' | 'mdev' | 'vfio_mdev' | (string & {});

/** A parent: the vendor driver module of that name, which registers one parent device of that name. */
export type SpecParent = string;

/**
 * How a parent driver accounts for its instances, as the spec needs to know it: its types and what one
 * instance of each costs in the parent's pool, the pool's size (fixed, or a module parameter with a
 * default), the errno of a create that does not fit (null: the driver never refuses), and whether an open
 * device fd also pins the driver's own module at 4.10 (the 2018 samples' `open` did).
 */
export interface SpecParentConfig {
  readonly types: Readonly<Record<string, number>>;
  readonly pool: number | { readonly param: string; readonly default: number };
  readonly exhaustion: SpecErrno | null;
  readonly pinsSelfAt410: boolean;
  /**
   * 4.10: what a device-fd ioctl returns once the vendor's `remove` has dropped the device's state while an
   * fd is still open (the 2018 samples check their drvdata: mtty -ENODEV, mdpy and mbochs -EINVAL).
   */
  readonly removedIoctl410: SpecErrno;
}

/** An errno name the rules can return (machines/errno.ts). */
export type SpecErrno = ErrnoName;

/** Where a failing operation failed: the sysfs `open` or `write`, or the VFIO `group` or `dev` step. */
export type SpecStage = 'open' | 'write' | 'group' | 'dev';

/** One mdev as user space sees it. */
export interface SpecDevice {
  readonly uuid: string;
  readonly parent: SpecParent;
  /** The type directory name, e.g. `mtty-2`. */
  readonly type: string;
  /** Distinguishes successive devices with the same UUID (a holder of an old one holds a stale group). */
  readonly gen: number;
  /** Open device fds. */
  readonly fds: number;
  /** A remover has claimed it: its `remove` file is gone (4.10: it may still wait for the parent lock). */
  readonly claimed: boolean;
  /** Its teardown has begun: the bus link is gone too, the device waits for its fds to go. */
  readonly removing: boolean;
  /**
   * The vendor has given its pool share back while the device waits for its fds: 4.10 calls the vendor
   * `remove` first (§1.6), 6.1 gives resources back only at release, after the last close (§4.2).
   */
  readonly released: boolean;
  /**
   * 6.1 only (K-1, §2.5): a remove that came while the device was still being created got EAGAIN and took
   * the `remove` file with it; only the parent's unregistration can remove the device now.
   */
  readonly removeFileLost: boolean;
}

/** A holder process: the device it opened and what it holds. */
export interface SpecHolder {
  readonly uuid: string;
  readonly gen: number;
  /** It holds a container fd (`/dev/vfio/vfio` opened: vfio was loaded). */
  readonly container: boolean;
  /** It holds the device's group fd (groups are single-open). */
  readonly group: boolean;
  /** SET_CONTAINER attached the group to its container. */
  readonly attached: boolean;
  /** SET_IOMMU gave the container the type1 backend. */
  readonly iommu: boolean;
  /** Device fds it holds. */
  readonly devFds: number;
}

/** The VFIO calls a holder can make on the fds it holds (the runner's ops of the same names). */
export type SpecVfioCall = 'status' | 'setc' | 'unsetc' | 'iommu' | 'dev' | 'cfg' | 'closedev';

/** An operation waiting inside the kernel: for a lock (4.10) or for device fds to close. */
export interface SpecPending {
  readonly id: number;
  readonly op: SpecOp;
  /** `lock`: queued behind a held lock; `fds`: sleeping until the device fds of `waitsFor` close. */
  readonly phase: 'lock' | 'fds';
  /** The lock it waits for (phase `lock`) or holds while it sleeps (phase `fds`). */
  readonly locks: readonly string[];
  /** Phase `fds`: the devices whose fds it waits for. */
  readonly waitsFor: readonly string[];
}

/** The whole user-visible state. */
export interface SpecState {
  readonly profile: KernelProfile;
  /** Loaded modules and their parameters. */
  readonly modules: Readonly<Partial<Record<SpecModule, Readonly<Record<string, number>>>>>;
  /**
   * Devices by key: the UUID for the device a path names, `uuid#gen` for one whose 4.10 removal already
   * took it off the bus (its UUID is then free for a device of another parent).
   */
  readonly devices: Readonly<Record<string, SpecDevice>>;
  readonly holders: Readonly<Record<string, SpecHolder>>;
  /** Operations inside the kernel that have not returned, in arrival order. */
  readonly pending: readonly SpecPending[];
  readonly nextGen: number;
  /** The parent drivers this kernel has, by module name. */
  readonly parents: Readonly<Record<string, SpecParentConfig>>;
}

/** What an operation returns: a value (bytes written, 0, a count), an errno, or "blocked for now". */
export type SpecResult =
  | { readonly kind: 'ok'; readonly ret: number }
  | { readonly kind: 'errno'; readonly errno: SpecErrno; readonly stage?: SpecStage }
  | { readonly kind: 'blocked' };

/** The user operations. */
export type SpecOp =
  | { readonly op: 'load'; readonly module: SpecModule; readonly params?: Readonly<Record<string, number>> }
  | { readonly op: 'unload'; readonly module: SpecModule }
  | { readonly op: 'create'; readonly parent: SpecParent; readonly type: string; readonly data: string }
  | { readonly op: 'remove'; readonly uuid: string; readonly data?: string }
  | { readonly op: 'open'; readonly holder: string; readonly uuid: string }
  | { readonly op: 'close'; readonly holder: string }
  | { readonly op: 'vfio'; readonly holder: string; readonly call: SpecVfioCall }
  | { readonly op: 'available'; readonly parent: SpecParent; readonly type: string };

/**
 * A known kernel issue the rules reproduce (ids of properties/known_issues.ts): catalogue entries of
 * kernel-semantics.md §5 (C-n) and issues of the modelled kernels found by reading their code (K-n).
 */
export type SpecKnownIssue = 'C-4' | 'C-7' | 'C-9' | 'K-1';

/** An operation that had blocked and completed during a later step, with its final result. */
export interface SpecCompletion {
  readonly id: number;
  readonly op: SpecOp;
  readonly result: SpecResult;
}

/** The outcome of one step: the new state, the operation's result, and blocked operations it let finish. */
export interface SpecStep {
  readonly state: SpecState;
  readonly result: SpecResult;
  readonly completed: readonly SpecCompletion[];
  /**
   * A catalogue entry (kernel-semantics.md §5) whose bug the kernel of this profile has on this step: the
   * rules give the intended outcome, the buggy kernel diverges from it. 4.10: a cross-parent duplicate UUID
   * gets its EEXIST only from a sysfs duplicate-name WARN (C-4); a remove on a device whose parent is being
   * unregistered races with the unregistration instead of failing cleanly with ENODEV (C-7, C-9).
   */
  readonly knownIssue?: SpecKnownIssue;
}

/** A successful result returning `ret`. */
export const ok = (ret: number): SpecResult => ({ kind: 'ok', ret });

/** A failed result: `errno`, at `stage` when the operation has several. */
export const fail = (errno: SpecErrno, stage?: SpecStage): SpecResult =>
  stage ? { kind: 'errno', errno, stage } : { kind: 'errno', errno };

/** The result of an operation that sleeps in the kernel for now. */
export const BLOCKED: SpecResult = { kind: 'blocked' };
