/**
 * The user-visible rules of mdev and VFIO, one atomic step per operation: what `insmod`, `rmmod`, a write
 * to `create` or `remove`, a holder's VFIO open (the runner's `full` protocol), a holder's exit and a read
 * of `available_instances` return, and what they change, at the v4.10 and v6.1 profiles. This is the
 * sequential specification behind the atomic view machine, the system machine and the linearizability
 * check. Blocking is part of it: an operation may answer "blocked" and complete at a later step (a remove
 * of an open device completes when its last fd closes; at 4.10 the per-parent lock and the parent list
 * lock, held across that wait, queue other operations behind it).
 *
 * Sources: kernel-semantics.md §1.3–1.7 (4.10), §2.3–2.7 (6.1), §3.1, §4, §6.3–6.5, and the oracle's
 * real-kernel recordings ("Module unload", "remove while a device fd is open" in oracle/README.md).
 * Pure functions over plain data: no I/O, and nothing from the implementation in src/.
 */
import type { ErrnoName } from './errno.ts';

/** The kernel profile. */
export type SpecProfile = 'v4.10' | 'v6.1';

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
  readonly profile: SpecProfile;
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

/**
 * The sample parents of kernel-semantics.md §4 at a profile: mtty (24 ports; types cost 1 and 2; 6.1 ENOSPC,
 * 4.10 never refuses), mdpy (`count` instances, default 4, one each; 6.1 counted by the core: EUSERS;
 * 4.10-era -ENOMEM) and mbochs (`count` MB, default 256; 4/16/64 MB; 6.1 ENOSPC, 4.10-era -ENOMEM).
 */
export function sampleParents(profile: SpecProfile): Readonly<Record<string, SpecParentConfig>> {
  const legacy = profile === 'v4.10';
  return {
    mtty: {
      types: { 'mtty-1': 1, 'mtty-2': 2 },
      pool: 24,
      exhaustion: legacy ? null : 'ENOSPC',
      pinsSelfAt410: false,
      removedIoctl410: 'ENODEV',
    },
    mdpy: {
      types: { 'mdpy-vga': 1, 'mdpy-xga': 1, 'mdpy-hd': 1 },
      pool: { param: 'count', default: 4 },
      exhaustion: legacy ? 'ENOMEM' : 'EUSERS',
      pinsSelfAt410: true,
      removedIoctl410: 'EINVAL',
    },
    mbochs: {
      types: { 'mbochs-small': 4, 'mbochs-medium': 16, 'mbochs-large': 64 },
      pool: { param: 'count', default: 256 },
      exhaustion: legacy ? 'ENOMEM' : 'ENOSPC',
      pinsSelfAt410: true,
      removedIoctl410: 'EINVAL',
    },
  };
}

/** The types of a parent with their costs (empty for an unknown parent). */
export function parentTypes(state: SpecState, parent: SpecParent): Readonly<Record<string, number>> {
  return state.parents[parent]?.types ?? {};
}

function isParent(state: SpecState, module: SpecModule): boolean {
  return state.parents[module] !== undefined;
}

/** The size of a parent's pool: fixed, or its module parameter (mdpy/mbochs `count`). */
export function poolSize(state: SpecState, parent: SpecParent): number {
  const pool = state.parents[parent]?.pool ?? 0;
  if (typeof pool === 'number') return pool;
  return state.modules[parent]?.[pool.param] ?? pool.default;
}

/** What each module links against (an unloaded dependency is an unresolved symbol: ENOENT). */
export function moduleDeps(module: SpecModule): readonly SpecModule[] {
  if (module === 'vfio' || module === 'mdev') return [];
  if (module === 'vfio_iommu_type1') return ['vfio'];
  return ['vfio', 'mdev'];
}

/** The initial state: nothing loaded; the parent drivers are the samples unless given. */
export function initialSpecState(profile: SpecProfile, parents = sampleParents(profile)): SpecState {
  return { profile, modules: {}, devices: {}, holders: {}, pending: [], nextGen: 1, parents };
}

const ok = (ret: number): SpecResult => ({ kind: 'ok', ret });
const fail = (errno: SpecErrno, stage?: SpecStage): SpecResult =>
  stage ? { kind: 'errno', errno, stage } : { kind: 'errno', errno };
const BLOCKED: SpecResult = { kind: 'blocked' };

/** `guid_parse` after `create_store`'s length check (§1.5): the lower-case UUID, or null. */
export function parsesAsUuid(data: string): string | null {
  if (data.length < 36 || data.length > 37) return null;
  const head = data.slice(0, 36);
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(head))
    return null;
  return head.toLowerCase();
}

/** `kstrtoul(buf, 0)` as `remove_store` uses it (§1.6): the value, or null when malformed or too big. */
export function removeValue(data: string): bigint | null {
  const s = data.split('\0')[0]!;
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(s);
  if (!m) return null;
  const d = m[1]!;
  const v = /^0[xX]/.test(d) ? BigInt(d) : d.startsWith('0') ? BigInt(`0o${d.slice(1) || '0'}`) : BigInt(d);
  return v > 0xffff_ffff_ffff_ffffn ? null : v;
}

/** Pool units of `parent` held by devices not yet released. */
function used(state: SpecState, parent: SpecParent): number {
  let n = 0;
  for (const d of Object.values(state.devices))
    if (d.parent === parent && !d.released) n += parentTypes(state, parent)[d.type] ?? 0;
  return n;
}

/**
 * `available_instances` of a type (§4, §6.2): free pool units / cost, rounded toward zero. 4.10 mtty never
 * refuses, so it can go negative (`%d`).
 */
export function availableInstances(state: SpecState, parent: SpecParent, type: string): number {
  return Math.trunc(
    (poolSize(state, parent) - used(state, parent)) / (parentTypes(state, parent)[type] ?? 1),
  );
}

/**
 * The modules an open device fd pins: 6.1 the vendor driver (`vfio_device_open`, §2.6); 4.10 the
 * vfio_mdev bridge (`vfio_mdev_open`, §1.7), and the vendor itself when its `open` takes a reference (the
 * 2018 samples mdpy and mbochs call `try_module_get(THIS_MODULE)`; mtty does not).
 */
function pinnedBy(state: SpecState, parent: SpecParent): SpecModule[] {
  if (state.profile === 'v6.1') return [parent];
  return state.parents[parent]?.pinsSelfAt410 ? ['vfio_mdev', parent] : ['vfio_mdev'];
}

function isLoaded(state: SpecState, m: SpecModule): boolean {
  return state.modules[m] !== undefined && !goingParent(state, m);
}

/** A 4.10 parent whose unload is in progress (its module is going). */
function goingParent(state: SpecState, m: SpecModule): boolean {
  return state.pending.some((p) => p.phase === 'fds' && p.op.op === 'unload' && p.op.module === m);
}

/** True when a loaded module depends on `module` (unload then gives EAGAIN). */
export function moduleInUse(state: SpecState, module: SpecModule): boolean {
  return (Object.keys(state.modules) as SpecModule[]).some(
    (m) => m !== module && moduleDeps(m).includes(module),
  );
}

/** References on `module` from open fds: device fds pin their driver, set containers pin type1. */
export function moduleRefs(state: SpecState, module: SpecModule): number {
  let refs = 0;
  for (const d of Object.values(state.devices)) if (pinnedBy(state, d.parent).includes(module)) refs += d.fds;
  for (const h of Object.values(state.holders)) {
    if (module === 'vfio' && (h.container || h.group || h.devFds > 0)) refs++;
    if (module === 'vfio_iommu_type1' && h.iommu && !(state.profile === 'v6.1' && stale(state, h))) refs++;
  }
  return refs;
}

/** The 4.10 locks an operation needs (`parent->lock`, `parent_list_lock`); none at 6.1. */
function locksNeeded(state: SpecState, op: SpecOp): string[] {
  if (state.profile !== 'v4.10') return [];
  switch (op.op) {
    case 'create':
      return [`parent:${op.parent}`];
    case 'remove': {
      const d = state.devices[op.uuid];
      return d ? [`parent:${d.parent}`] : [];
    }
    case 'load':
      return isParent(state, op.module) ? ['parent_list'] : [];
    case 'unload': {
      if (!isParent(state, op.module)) return [];
      // mdev_unregister_device holds parent_list_lock; each child's removal takes the parent's lock.
      const children = Object.entries(state.devices).some(([k, d]) => d.parent === op.module && k === d.uuid);
      return children ? ['parent_list', `parent:${op.module}`] : ['parent_list'];
    }
    default:
      return [];
  }
}

function heldLocks(state: SpecState): Set<string> {
  return new Set(state.pending.filter((p) => p.phase === 'fds').flatMap((p) => p.locks));
}

/**
 * Applies one user operation. `id` names it, so that when it blocks its later completion (listed in the
 * `completed` of the step that releases it) can be matched.
 */
export function specStep(state: SpecState, op: SpecOp, id = 0): SpecStep {
  const unregistering = duringUnregistration(state, op);
  if (unregistering) return unregistering;
  const busy = heldLocks(state);
  const needed = locksNeeded(state, op);
  if (needed.some((l) => busy.has(l))) {
    const early = beforeLock(state, op);
    if (early) return early;
    const pending: SpecPending = { id, op, phase: 'lock', locks: needed, waitsFor: [] };
    let devices = state.devices;
    if (op.op === 'remove') devices = { ...devices, [op.uuid]: { ...devices[op.uuid]!, claimed: true } };
    return {
      state: { ...state, devices, pending: [...state.pending, pending] },
      result: BLOCKED,
      completed: [],
    };
  }
  const step = apply(state, op, id, needed);
  if (op.op !== 'close' && !(op.op === 'vfio' && op.call === 'closedev')) return step;
  return releaseQueued(step);
}

/**
 * A remove of a device whose parent is being unregistered: -ENODEV, the unregistration removes the device
 * itself (`unreg_sem` trylock, 5715c4dd66a3). Only 4.10 gets here (6.1 refuses the unload while a device is
 * open); there the kernel instead claims the device and waits for the parent lock, then races with the
 * unregistration (C-7, C-9).
 */
function duringUnregistration(state: SpecState, op: SpecOp): SpecStep | null {
  if (op.op !== 'remove') return null;
  const d = state.devices[op.uuid];
  if (!d || d.removing || !goingParent(state, d.parent)) return null;
  const early = claimBeforeLock(state, op);
  if (early) return early;
  return { state, result: fail('ENODEV', 'write'), completed: [], knownIssue: 'C-9' };
}

/**
 * What an operation settles before it can wait for a 4.10 lock: path lookups (ENOENT), empty writes (0),
 * `create_store`'s parsing (EINVAL), `delete_module`'s refcount checks (EAGAIN) and `finit_module`'s duplicate and symbol
 * checks; and a remove's claim (99e3123e: `list_del` from `mdev_list` and the writer's removal of the
 * `remove` file come before `parent->lock`, so a remove queued behind the lock has already made the
 * device unremovable by others). Returns null when the operation goes on to take the lock.
 */
function beforeLock(state: SpecState, op: SpecOp): SpecStep | null {
  switch (op.op) {
    case 'create': {
      // An empty write never reaches the store (sysfs_kf_write returns 0 for 0 bytes).
      if (op.data.length === 0) return create(state, op.parent, op.type, op.data);
      const r = create(state, op.parent, op.type, op.data);
      return r.result.kind === 'errno' && (r.result.stage === 'open' || r.result.errno === 'EINVAL')
        ? r
        : null;
    }
    case 'unload':
    case 'load': {
      const r = op.op === 'load' ? load(state, op.module, op.params ?? {}) : unload(state, op, 0, []);
      return r.result.kind === 'errno' ? r : null;
    }
    case 'remove':
      return claimBeforeLock(state, op);
    default:
      return null;
  }
}

/** A remove's checks and claim before `parent->lock` (see `beforeLock`). */
function claimBeforeLock(state: SpecState, op: SpecOp & { op: 'remove' }): SpecStep | null {
  const d = state.devices[op.uuid];
  const data = op.data ?? '1';
  if (!d || d.removing || d.claimed || d.removeFileLost)
    return { state, result: fail('ENOENT', 'open'), completed: [] };
  if (data.length === 0) return { state, result: ok(0), completed: [] };
  const v = removeValue(data);
  if (v === null) return { state, result: fail('EINVAL', 'write'), completed: [] };
  if (v === 0n) return { state, result: ok(data.length), completed: [] };
  return null;
}

/** Runs an operation that holds its locks; `resumed` when it had waited for them (a remove is then claimed). */
function apply(
  state: SpecState,
  op: SpecOp,
  id: number,
  locks: readonly string[],
  resumed = false,
): SpecStep {
  const none = (result: SpecResult): SpecStep => ({ state, result, completed: [] });
  switch (op.op) {
    case 'load':
      return load(state, op.module, op.params ?? {});
    case 'unload':
      return unload(state, op, id, locks);
    case 'create':
      return create(state, op.parent, op.type, op.data);
    case 'remove':
      return remove(state, op, id, locks, resumed);
    case 'open':
      return open(state, op.holder, op.uuid);
    case 'close':
      return close(state, op.holder);
    case 'vfio':
      return vfioCall(state, op.holder, op.call);
    case 'available':
      if (
        !isLoaded(state, 'mdev') ||
        !isLoaded(state, op.parent) ||
        !(op.type in parentTypes(state, op.parent))
      ) {
        return none(fail('ENOENT', 'open'));
      }
      return none(ok(availableInstances(state, op.parent, op.type)));
  }
}

/**
 * `finit_module`: EEXIST when loaded, EBUSY while it is going (a 4.10 parent whose unload waits for its open
 * fds; `add_unformed_module`), ENOENT for a missing dependency (an unresolved
 * symbol) or a module the kernel does not have (vfio_mdev after 5.14). 4.10: loading mdev also loads the
 * vfio_mdev bridge (`request_module_nowait`, §1.1), with vfio as modprobe would.
 */
function load(state: SpecState, module: SpecModule, params: Readonly<Record<string, number>>): SpecStep {
  if (module === 'vfio_mdev' && state.profile === 'v6.1')
    return { state, result: fail('ENOENT', 'open'), completed: [] };
  if (goingParent(state, module)) return { state, result: fail('EBUSY'), completed: [] };
  if (state.modules[module] !== undefined) return { state, result: fail('EEXIST'), completed: [] };
  if (moduleDeps(module).some((d) => !isLoaded(state, d)))
    return { state, result: fail('ENOENT'), completed: [] };
  let modules: SpecState['modules'] = { ...state.modules, [module]: params };
  if (module === 'mdev' && state.profile === 'v4.10') modules = { vfio: {}, ...modules, vfio_mdev: {} };
  return { state: { ...state, modules }, result: ok(0), completed: [] };
}

/**
 * `delete_module(O_NONBLOCK)`: ENOENT when not loaded; EAGAIN while another module uses it or it holds
 * references (a device fd pins its driver, a container its backend) — and then nothing changes. Unloading a
 * parent removes its devices. 4.10: the open fd pins vfio_mdev, not the parent, so the unload proceeds,
 * removes the idle devices and sleeps in the parent unregistration until the open ones are closed (§1.3),
 * holding `parent_list_lock` and the parent's lock meanwhile.
 */
function unload(
  state: SpecState,
  op: SpecOp & { op: 'unload' },
  id: number,
  locks: readonly string[],
): SpecStep {
  const module = op.module;
  if (state.modules[module] === undefined) return { state, result: fail('ENOENT'), completed: [] };
  if (moduleInUse(state, module) || moduleRefs(state, module) > 0)
    return { state, result: fail('EAGAIN'), completed: [] };
  if (!isParent(state, module)) {
    const { [module]: _gone, ...modules } = state.modules;
    return { state: { ...state, modules }, result: ok(0), completed: [] };
  }
  const claimed = Object.values(state.devices).some((d) => d.parent === module && d.claimed && !d.removing);
  const queuedCreate = state.pending.some(
    (p) => p.phase === 'lock' && p.op.op === 'create' && p.op.parent === module,
  );
  const walk = unregisterChildren(state, { id, op, phase: 'fds', locks, waitsFor: [] });
  const step: SpecStep = { state: walk.state, result: walk.done ? ok(0) : BLOCKED, completed: [] };
  if (state.profile !== 'v4.10') return step;
  // 4.10: a child already claimed by a user remove makes the forced removal fail with -ENODEV, which stops
  // the walk (C-7); a create still inside its `create` store is drained only after the children were
  // removed, so it adds a child behind the vanishing parent (C-9).
  if (claimed) return { ...step, knownIssue: 'C-7' };
  return queuedCreate ? { ...step, knownIssue: 'C-9' } : step;
}

/**
 * Parent unregistration (`mdev_unregister_device`/`_parent`): children go one by one in creation order;
 * idle ones at once, an open one only after its fds close — the walk sleeps there, holding the locks (only
 * 4.10 gets here with an open child: 6.1 pins the module). When no child is left the module is gone.
 */
function unregisterChildren(state: SpecState, pending: SpecPending): { state: SpecState; done: boolean } {
  const module = (pending.op as SpecOp & { op: 'unload' }).module;
  const devices: Record<string, SpecDevice> = { ...state.devices };
  for (const [key, d] of Object.entries(state.devices).sort(([, a], [, b]) => a.gen - b.gen)) {
    if (d.parent !== module || key !== d.uuid) continue;
    delete devices[key];
    if (d.fds > 0) {
      const offBus = offBusKey(d);
      devices[offBus] = { ...d, claimed: true, removing: true, released: true };
      const waiting: SpecPending = { ...pending, waitsFor: [offBus] };
      return {
        state: { ...state, devices, pending: [...state.pending.filter((p) => p.op !== pending.op), waiting] },
        done: false,
      };
    }
  }
  const { [module]: _gone, ...modules } = state.modules;
  return {
    state: { ...state, devices, modules, pending: state.pending.filter((p) => p.op !== pending.op) },
    done: true,
  };
}

/**
 * A write of `data` to `<parent>/mdev_supported_types/<type>/create` (§6.3): ENOENT at open when the path
 * does not exist; 0 bytes return 0; EINVAL for a length other than 36/37 or a malformed UUID; EEXIST for a
 * UUID in use — including one whose removal is pending (6.1: on any parent; 4.10: a duplicate on another
 * parent fails at the bus link, also EEXIST); out of room: 6.1 ENOSPC (mtty, mbochs) or EUSERS (mdpy), 4.10
 * mtty never refuses, 4.10-era mdpy/mbochs ENOMEM; else the device exists and the write returns its length.
 */
function create(state: SpecState, parent: SpecParent, type: string, data: string): SpecStep {
  const none = (result: SpecResult): SpecStep => ({ state, result, completed: [] });
  if (!isLoaded(state, 'mdev') || !isLoaded(state, parent) || !(type in parentTypes(state, parent)))
    return none(fail('ENOENT', 'open'));
  if (data.length === 0) return none(ok(0));
  const uuid = parsesAsUuid(data);
  if (uuid === null) return none(fail('EINVAL', 'write'));
  const existing = state.devices[uuid];
  if (existing) {
    // 6.1: the GUID stays reserved on mdev_list until release, so a pending removal still counts (§2.4).
    const crossParent = state.profile === 'v4.10' && existing.parent !== parent;
    return crossParent
      ? { ...none(fail('EEXIST', 'write')), knownIssue: 'C-4' }
      : none(fail('EEXIST', 'write'));
  }
  // 4.10: the old device of that UUID, off the bus but still bound to vfio_mdev while it waits for its fds,
  // makes the new one's driver link a sysfs duplicate at device_register (before vendor create): WARN,
  // and the new device stays unbound (C-4).
  const namesake =
    state.profile === 'v4.10' && Object.values(state.devices).some((d) => d.uuid === uuid && d.removing);
  const flag = (step: SpecStep): SpecStep => (namesake ? { ...step, knownIssue: 'C-4' } : step);
  const cost = parentTypes(state, parent)[type]!;
  const errno = state.parents[parent]?.exhaustion ?? null;
  if (errno && used(state, parent) + cost > poolSize(state, parent)) return flag(none(fail(errno, 'write')));
  const device: SpecDevice = {
    uuid,
    parent,
    type,
    gen: state.nextGen,
    fds: 0,
    claimed: false,
    removeFileLost: false,
    removing: false,
    released: false,
  };
  return flag({
    state: { ...state, devices: { ...state.devices, [uuid]: device }, nextGen: state.nextGen + 1 },
    result: ok(data.length),
    completed: [],
  });
}

/**
 * A write to `/sys/bus/mdev/devices/<uuid>/remove` (§6.4): ENOENT when the device is gone or its removal
 * already claimed; 0 bytes return 0; EINVAL when kstrtoul fails; 0 is a no-op returning the length; else
 * the device goes — at once when no device fd is open, otherwise the write sleeps until the last one
 * closes (4.10: holding the parent's lock).
 */
function remove(
  state: SpecState,
  op: SpecOp & { op: 'remove' },
  id: number,
  locks: readonly string[],
  claimed: boolean,
): SpecStep {
  const early = claimed ? null : claimBeforeLock(state, op);
  if (early) return early;
  const d = state.devices[op.uuid]!;
  const data = op.data ?? '1';
  if (d.fds > 0) {
    // 6.1 keeps the device (and its GUID reservation) under its UUID until release; 4.10 has already
    // taken it off the bus (device_del started) and given the vendor resources back.
    const legacy = state.profile === 'v4.10';
    const key = legacy ? offBusKey(d) : op.uuid;
    const { [op.uuid]: _moved, ...others } = state.devices;
    const devices = { ...others, [key]: { ...d, claimed: true, removing: true, released: legacy } };
    const pending: SpecPending = { id, op, phase: 'fds', locks, waitsFor: [key] };
    return {
      state: { ...state, devices, pending: [...state.pending, pending] },
      result: BLOCKED,
      completed: [],
    };
  }
  const { [op.uuid]: _gone, ...devices } = state.devices;
  return { state: { ...state, devices }, result: ok(data.length), completed: [] };
}

/**
 * A holder's `full` open of `uuid` (container, group, SET_CONTAINER, SET_IOMMU(TYPE1v2), GET_DEVICE_FD):
 * a holder opens once (a second `open` of the same holder is refused: EBUSY); the group cannot be
 * resolved when the device or its bus link is gone, vfio is not loaded, or (4.10) vfio_mdev did not bind
 * it (ENOENT); the group is single-open (EBUSY); without vfio_iommu_type1 SET_IOMMU fails and
 * GET_DEVICE_FD is EINVAL; else the holder has a device fd. A holder keeps what it opened until `close`.
 */
function open(state: SpecState, holder: string, uuid: string): SpecStep {
  const d = state.devices[uuid];
  const refuse = (errno: SpecErrno, stage: SpecStage, held: SpecHolder | null): SpecStep => ({
    state: held ? { ...state, holders: { ...state.holders, [holder]: held } } : state,
    result: fail(errno, stage),
    completed: [],
  });
  if (state.holders[holder]) return refuse('EBUSY', 'group', null);
  const container = isLoaded(state, 'vfio');
  const boundDriver = state.profile === 'v6.1' || isLoaded(state, 'vfio_mdev');
  if (!d || d.removing || !container || !boundDriver)
    return refuse('ENOENT', 'group', {
      uuid,
      gen: 0,
      container,
      group: false,
      attached: false,
      iommu: false,
      devFds: 0,
    });
  if (Object.values(state.holders).some((h) => h.uuid === uuid && h.gen === d.gen && h.group)) {
    return refuse('EBUSY', 'group', {
      uuid,
      gen: d.gen,
      container,
      group: false,
      attached: false,
      iommu: false,
      devFds: 0,
    });
  }
  if (!isLoaded(state, 'vfio_iommu_type1'))
    return refuse('EINVAL', 'dev', {
      uuid,
      gen: d.gen,
      container,
      group: true,
      attached: true,
      iommu: false,
      devFds: 0,
    });
  const holders = {
    ...state.holders,
    [holder]: { uuid, gen: d.gen, container, group: true, attached: true, iommu: true, devFds: 1 },
  };
  const devices = { ...state.devices, [uuid]: { ...d, fds: d.fds + 1 } };
  return { state: { ...state, holders, devices }, result: ok(0), completed: [] };
}

/**
 * A holder's exit: its device fds, group and container close (0; ENOENT for a holder that does not
 * exist). Whatever slept on the last of those device fds completes: a blocked remove (the device goes
 * and its pool share returns), a 4.10 unload once its parent has no device left.
 */
function close(state: SpecState, holder: string): SpecStep {
  const h = state.holders[holder];
  if (!h) return { state, result: fail('ENOENT'), completed: [] };
  const { [holder]: _gone, ...holders } = state.holders;
  let devices = state.devices;
  const held = heldDevice(state, h);
  if (held && h.devFds > 0) devices = { ...devices, [held[0]]: { ...held[1], fds: held[1].fds - h.devFds } };
  return { ...finishBlocked({ ...state, holders, devices }), result: ok(0) };
}

/**
 * Completes what slept on device fds that are now all closed: a blocked remove (the device goes and its
 * pool share returns), and the 4.10 unregistration walk, which goes on to the next child.
 */
function finishBlocked(state: SpecState): { state: SpecState; completed: SpecCompletion[] } {
  let next = state;
  const completed: SpecCompletion[] = [];
  for (const p of next.pending) {
    if (p.phase !== 'fds' || p.waitsFor.some((u) => (next.devices[u]?.fds ?? 0) > 0)) continue;
    const remaining: Record<string, SpecDevice> = { ...next.devices };
    for (const u of p.waitsFor) delete remaining[u];
    next = { ...next, devices: remaining };
    if (p.op.op === 'unload') {
      const walk = unregisterChildren(next, p);
      next = walk.state;
      if (walk.done) completed.push({ id: p.id, op: p.op, result: ok(0) });
      continue;
    }
    next = { ...next, pending: next.pending.filter((x) => x !== p) };
    completed.push({
      id: p.id,
      op: p.op,
      result: ok((p.op.op === 'remove' ? (p.op.data ?? '1') : '').length),
    });
  }
  return { state: next, completed };
}

/** The device a holder's fds refer to (by UUID and generation), if it still exists. */
function heldDevice(state: SpecState, h: SpecHolder): [string, SpecDevice] | undefined {
  return Object.entries(state.devices).find(([, d]) => d.uuid === h.uuid && d.gen === h.gen);
}

/** A holder whose device is gone: its group fd is stale (6.1: disassociated, §2.6; 4.10: kept alive, empty). */
function stale(state: SpecState, h: SpecHolder): boolean {
  return heldDevice(state, h) === undefined;
}

/**
 * One VFIO call of a holder on the fds it holds (§3.1, §6.5, oracle "VFIO ioctl ordering"):
 * - `status` (GROUP_GET_STATUS): 0; 6.1 a stale group → ENODEV.
 * - `setc` (SET_CONTAINER): 6.1 stale → ENODEV (the removal of the group's last device detached its
 *   container: `vfio_device_remove_group`); already attached → EINVAL.
 * - `unsetc` (UNSET_CONTAINER): not attached → EINVAL; device fds open → EBUSY; else detached, and the
 *   container, left without groups, loses its IOMMU.
 * - `iommu` (SET_IOMMU TYPE1v2): no group attached or already set → EINVAL; no type1 backend → ENODEV.
 * - `dev` (GET_DEVICE_FD): 4.10 checks container and IOMMU first (EINVAL) and then the name (ENODEV for a
 *   removed device); 6.1 the name first (ENODEV), then EINVAL. A device whose removal waits for its fds can
 *   still be opened. Success adds a device fd.
 * - `cfg` (GET_REGION_INFO of the config region, then a read through the device fd): 0; 4.10 once the
 *   vendor's remove has dropped the device's state, the driver's errno (`removedIoctl410`).
 * - `closedev`: closes the holder's last device fd; a blocked remove may complete.
 * Without the fd a call needs (`iommu` the container's, `cfg`/`closedev` a device fd, the others the group's),
 * the holder skips it: EBADF here.
 */
function vfioCall(state: SpecState, holder: string, call: SpecVfioCall): SpecStep {
  const h = state.holders[holder];
  const same = (result: SpecResult): SpecStep => ({ state, result, completed: [] });
  const update = (next: Partial<SpecHolder>, result: SpecResult, devices = state.devices): SpecStep => ({
    state: { ...state, devices, holders: { ...state.holders, [holder]: { ...h!, ...next } } },
    result,
    completed: [],
  });
  const hasFd =
    call === 'closedev' || call === 'cfg' ? (h?.devFds ?? 0) > 0 : call === 'iommu' ? h?.container : h?.group;
  if (!h || !hasFd) return same(fail('EBADF'));
  const modern = state.profile === 'v6.1';
  const gone = stale(state, h);
  switch (call) {
    case 'status':
      return same(modern && gone ? fail('ENODEV') : ok(0));
    case 'setc':
      // 6.1 detached the container when the group lost its last device (vfio_device_remove_group).
      if (modern && gone) return same(fail('ENODEV'));
      if (h.attached) return same(fail('EINVAL'));
      return update({ attached: true }, ok(0));
    case 'unsetc':
      if (!h.attached || (modern && gone)) return same(fail('EINVAL'));
      if (h.devFds > 0) return same(fail('EBUSY'));
      return update({ attached: false, iommu: false }, ok(0));
    case 'iommu':
      if (!h.attached || h.iommu || (modern && gone)) return same(fail('EINVAL'));
      if (!isLoaded(state, 'vfio_iommu_type1')) return same(fail('ENODEV'));
      return update({ iommu: true }, ok(0));
    case 'dev': {
      const held = heldDevice(state, h);
      if (!modern && (!h.attached || !h.iommu)) return same(fail('EINVAL'));
      if (!held) return same(fail('ENODEV'));
      if (!h.attached || !h.iommu) return same(fail('EINVAL'));
      const [key, d] = held;
      return update({ devFds: h.devFds + 1 }, ok(0), { ...state.devices, [key]: { ...d, fds: d.fds + 1 } });
    }
    case 'cfg': {
      const held = heldDevice(state, h);
      return same(held?.[1].released ? fail(state.parents[held[1].parent]!.removedIoctl410) : ok(0));
    }
    case 'closedev': {
      const held = heldDevice(state, h);
      const devices = held
        ? { ...state.devices, [held[0]]: { ...held[1], fds: held[1].fds - 1 } }
        : state.devices;
      const closed = {
        ...state,
        devices,
        holders: { ...state.holders, [holder]: { ...h, devFds: h.devFds - 1 } },
      };
      return { ...finishBlocked(closed), result: ok(0) };
    }
  }
}

/** The key of a device once a 4.10 removal has taken it off the bus. */
function offBusKey(d: SpecDevice): string {
  return `${d.uuid}#${d.gen}`;
}

/** After a close, operations queued on locks that are now free run, oldest first (they may block again). */
function releaseQueued(step: SpecStep): SpecStep {
  let { state } = step;
  let knownIssue = step.knownIssue;
  const completed = [...step.completed];
  for (;;) {
    const busy = heldLocks(state);
    const ready = state.pending.find((p) => p.phase === 'lock' && !p.locks.some((l) => busy.has(l)));
    if (!ready) break;
    const without = { ...state, pending: state.pending.filter((p) => p !== ready) };
    const run = apply(without, ready.op, ready.id, ready.locks, true);
    state = run.state;
    knownIssue ??= run.knownIssue;
    completed.push(...run.completed);
    if (run.result.kind !== 'blocked') completed.push({ id: ready.id, op: ready.op, result: run.result });
  }
  return { state, result: step.result, completed, ...(knownIssue ? { knownIssue } : {}) };
}
