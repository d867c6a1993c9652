import type { SlotState, SystemContext } from './system.ts';
import type { SystemConfig } from './system_config.ts';
import { type SystemValue, slotStates } from './system_symmetry.ts';

/** One `/sys/bus/mdev/devices` entry as user space sees it. */
export interface SystemViewDevice {
  readonly uuid: string;
  readonly parent: string;
  readonly type: string;
  /** The bound driver: the vendor's mdev driver at 6.1, vfio_mdev (or none) at 4.10. */
  readonly driver: string | null;
  /** The device's `remove` attribute exists. */
  readonly remove: boolean;
}

/**
 * What sysfs shows in a system state (the fields of the real-kernel harness's `state`): the mdev bus's
 * devices (`null` without mdev), `available_instances` and the number of `devices/` entries of every type
 * of every registered parent (`parent/type`), and the device directories under each parent.
 */
export interface SystemView {
  readonly devs: readonly SystemViewDevice[] | null;
  readonly avail: Readonly<Record<string, readonly [number, number]>>;
  readonly pdevs: Readonly<Record<string, readonly string[]>>;
}

/** Slot states whose device is on the mdev bus (a sleeping remove has already taken it off). */
const ON_BUS: readonly SlotState[] = ['idle', 'attached'];

/**
 * The sysfs view of a system snapshot, with parents and types in sysfs (name) order (kernel-semantics.md §2.4–§2.7, §4; oracle "remove while a device fd
 * is open"): a device is on the bus while idle or attached; a device whose remove sleeps keeps its
 * directory under the parent; its pool share is back at once at 4.10 and only at release at 6.1.
 */
export function systemView(
  config: SystemConfig,
  snapshot: { readonly value: SystemValue; readonly context: SystemContext },
): SystemView {
  const { value } = snapshot;
  const loaded = (m: string) => value[m] === 'loaded';
  const states = slotStates(config, value);
  const driverOf = (parent: string): string | null => {
    if (config.profile === 'v6.1') return parent;
    return loaded('vfio_mdev') ? 'vfio_mdev' : null;
  };
  const devs = loaded('mdev')
    ? config.slots
        .filter((s) => ON_BUS.includes(states[s.index]!))
        .map((s) => ({
          uuid: s.uuid,
          parent: s.parent,
          type: s.type,
          driver: driverOf(s.parent),
          remove: true,
        }))
    : null;
  const avail: Record<string, readonly [number, number]> = {};
  const pdevs: Record<string, readonly string[]> = {};
  const byName = <T extends { readonly name: string }>(list: readonly T[]) =>
    [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const p of byName(config.parents)) {
    if (!loaded(p.name)) continue;
    const free = p.pool - (snapshot.context.used[p.name] ?? 0);
    for (const t of byName(p.types)) {
      const onBus = config.slots.filter(
        (s) => s.parent === p.name && s.type === t.name && ON_BUS.includes(states[s.index]!),
      ).length;
      avail[`${p.name}/${t.name}`] = [Math.trunc(free / t.cost), onBus];
    }
    pdevs[p.name] = config.slots
      .filter((s) => s.parent === p.name && states[s.index] !== 'absent')
      .map((s) => s.uuid)
      .sort();
  }
  return { devs, avail, pdevs };
}
