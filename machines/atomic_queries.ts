/** Read-only questions about an atomic-rules state: what is loaded, pinned, used or stale. */
import { moduleDeps, parentTypes, poolSize } from './atomic_parents.ts';
import type { SpecDevice, SpecHolder, SpecModule, SpecParent, SpecState } from './atomic_state.ts';

/** Pool units of `parent` held by devices not yet released. */
export function used(state: SpecState, parent: SpecParent): number {
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

/** Whether module `m` is loaded and not going (a 4.10 parent whose unload waits for its fds is going). */
export function isLoaded(state: SpecState, m: SpecModule): boolean {
  return state.modules[m] !== undefined && !goingParent(state, m);
}

/** A 4.10 parent whose unload is in progress (its module is going). */
export function goingParent(state: SpecState, m: SpecModule): boolean {
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

/** The device a holder's fds refer to (by UUID and generation), if it still exists. */
export function heldDevice(state: SpecState, h: SpecHolder): [string, SpecDevice] | undefined {
  return Object.entries(state.devices).find(([, d]) => d.uuid === h.uuid && d.gen === h.gen);
}

/** A holder whose device is gone: its group fd is stale (6.1: disassociated, §2.6; 4.10: kept alive, empty). */
export function stale(state: SpecState, h: SpecHolder): boolean {
  return heldDevice(state, h) === undefined;
}

/** The key of a device once a 4.10 removal has taken it off the bus. */
export function offBusKey(d: SpecDevice): string {
  return `${d.uuid}#${d.gen}`;
}
