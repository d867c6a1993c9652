import type { KernfsNode } from '../fs/kernfs.ts';
import type { Kernel } from './kernel.ts';

/**
 * A deterministic, JSON-comparable picture of everything the kernel model holds: modules and their
 * references, parents and their counters, the global device list, every mdev with its lifecycle flags,
 * IOMMU groups, VFIO groups and containers with their use counts, process fd tables, and every path of
 * the /sys and /dev tree. Two equal snapshots mean no list entry, refcount, counter or node leaked.
 */
export interface KernelSnapshot {
  readonly modules: ReadonlyArray<{ name: string; state: string; refs: number; users: string[] }>;
  readonly parents: ReadonlyArray<{
    name: string;
    availableInstances: number;
    kref: number;
    types: Array<[string, number]>;
  }>;
  readonly mdevList: ReadonlyArray<{ uuid: string; active: boolean }>;
  readonly devices: ReadonlyArray<{
    uuid: string;
    registered: boolean;
    driver: string | null;
    refcount: number;
  }>;
  readonly iommuGroups: ReadonlyArray<{ id: number; refs: number; devices: string[] }>;
  readonly vfioGroups: ReadonlyArray<{
    id: string;
    drivers: number;
    kref: number;
    containerUsers: number;
    opened: boolean;
    attached: boolean;
  }>;
  readonly containers: ReadonlyArray<{ refs: number; groups: number; backend: string | null }>;
  readonly tree: readonly string[];
}

/** Takes a `KernelSnapshot` of `k`. */
export function kernelSnapshot(k: Kernel): KernelSnapshot {
  const mdev = k.mdev;
  const vfio = k.vfio;
  return {
    modules: [...k.modules.loaded.values()]
      .map((m) => ({ name: m.def.name, state: m.state, refs: m.refs, users: [...m.users].sort() }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    parents: (mdev?.parents ?? [])
      .map((p) => ({
        name: p.name,
        availableInstances: p.availableInstances,
        kref: p.kref,
        types: p.types.map((t) => [t.dirName, t.kobjRefs] as [string, number]),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    mdevList: (mdev?.mdevList ?? [])
      .map((m) => ({ uuid: m.uuid, active: m.active }))
      .sort((a, b) => a.uuid.localeCompare(b.uuid)),
    devices: (mdev?.allDevices() ?? [])
      .map((d) => ({
        uuid: d.uuid,
        registered: d.registered,
        driver: d.driver?.name ?? null,
        refcount: d.refcount,
      }))
      .sort((a, b) => a.uuid.localeCompare(b.uuid)),
    iommuGroups: [...k.iommu.live.values()].map((g) => ({
      id: g.id,
      refs: g.refs,
      devices: g.devices.map((d) => d.name).sort(),
    })),
    vfioGroups: (vfio?.groups ?? []).map((g) => ({
      id: g.nodeName,
      drivers: g.drivers,
      kref: g.kref,
      containerUsers: g.containerUsers,
      opened: g.openedFile !== null,
      attached: g.container !== null,
    })),
    containers: [...(vfio?.containers.live ?? [])].map((c) => ({
      refs: c.refs,
      groups: c.groups.length,
      backend: c.iommuDriver?.name ?? null,
    })),
    tree: paths(k.kernfs.root),
  };
}

function paths(node: KernfsNode): string[] {
  const out: string[] = [];
  const walk = (n: KernfsNode, prefix: string) => {
    for (const [name, child] of [...n.children].sort(([a], [b]) => a.localeCompare(b))) {
      const p = `${prefix}/${name}`;
      out.push(p);
      if (child.kind === 'dir') walk(child, p);
    }
  };
  walk(node, '');
  return out;
}
