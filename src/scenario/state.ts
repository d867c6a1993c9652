import { errnoName } from '../kernel/errno.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';

/** One entry of `state.devs`: a `/sys/bus/mdev/devices` entry as the runner reports it. */
export interface DevState {
  readonly uuid: string;
  readonly parent: string | null;
  readonly type: string | null;
  readonly driver: string | null;
  readonly iommu_group: string | null;
  readonly remove: boolean;
}

/** The per-step `state` object of the runner's output (`devs`, `avail`, `pdevs`, `mods`; `holders`/`pending` are added by the runner). */
export interface ScenarioState {
  devs: DevState[] | null;
  avail: Record<string, [number | string, number]>;
  pdevs: Record<string, string[]>;
  mods: Record<string, { ref: number; state: string; users?: string }>;
}

const INTERESTING_MODULES = [
  'vfio',
  'vfio_iommu_type1',
  'mdev',
  'mtty',
  'mdpy',
  'mbochs',
  'vfio_virqfd',
  'irqbypass',
];

/** Reads a sysfs file like the runner's `read_file`: its text minus one trailing newline, or a negative errno. */
export async function readFile(k: Kernel, task: Task, path: string): Promise<string | number> {
  const fd = await k.vfs.open(task, path, 'r');
  if (fd < 0) return fd;
  const data = await k.vfs.read(task, fd);
  await k.vfs.close(task, fd);
  if (typeof data === 'number') return data;
  const text = String.fromCharCode(...data);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

function isUuidName(name: string): boolean {
  return name.length === 36 && name[8] === '-' && name[13] === '-';
}

/** `state` (or, with `full`, the body of `snapshot`) as the real-kernel runner collects it from sysfs. */
export async function collectState(k: Kernel, task: Task, full: boolean): Promise<Record<string, unknown>> {
  const vfs = k.vfs;
  const busDevs = vfs.ls('/sys/bus/mdev/devices');
  const devs: DevState[] | null =
    typeof busDevs === 'number'
      ? null
      : busDevs.map((uuid) => {
          const path = `/sys/bus/mdev/devices/${uuid}`;
          const node = vfs.resolve(path);
          const parent = typeof node === 'number' ? null : (node.parent?.name ?? null);
          return {
            uuid,
            parent,
            type: vfs.linkTarget(`${path}/mdev_type`),
            driver: vfs.linkTarget(`${path}/driver`),
            iommu_group: vfs.linkTarget(`${path}/iommu_group`),
            remove: vfs.exists(`${path}/remove`),
          };
        });
  const parentsList = vfs.ls('/sys/class/mdev_bus');
  const parents = typeof parentsList === 'number' ? [] : parentsList;
  const avail: ScenarioState['avail'] = {};
  const parentDetails: unknown[] = [];
  const pdevs: Record<string, string[]> = {};
  for (const p of parents) {
    const tp = `/sys/class/mdev_bus/${p}/mdev_supported_types`;
    const typesList = vfs.ls(tp);
    const types = typeof typesList === 'number' ? [] : typesList;
    const typeDetails: unknown[] = [];
    for (const t of types) {
      const av = await readFile(k, task, `${tp}/${t}/available_instances`);
      const dl = vfs.ls(`${tp}/${t}/devices`);
      const devices = typeof dl === 'number' ? [] : dl;
      const avValue = typeof av === 'number' ? `-${errnoName(av)}` : Number(av);
      avail[`${p}/${t}`] = [avValue, typeof dl === 'number' ? dl : devices.length];
      if (full) {
        const attr = async (a: string) => {
          const v = await readFile(k, task, `${tp}/${t}/${a}`);
          return typeof v === 'number' ? `-${errnoName(v)}` : v;
        };
        const entries = vfs.ls(`${tp}/${t}`);
        typeDetails.push({
          type: t,
          name: await attr('name'),
          device_api: await attr('device_api'),
          available_instances: await attr('available_instances'),
          description: await attr('description'),
          entries: typeof entries === 'number' ? [] : entries,
          devices,
        });
      }
    }
    const children = vfs.ls(`/sys/class/mdev_bus/${p}/`);
    pdevs[p] = typeof children === 'number' ? [] : children.filter(isUuidName);
    if (full) {
      const node = vfs.resolve(`/sys/class/mdev_bus/${p}`);
      parentDetails.push({
        parent: p,
        path: typeof node === 'number' ? null : node.path,
        types: typeDetails,
      });
    }
  }
  const state: Record<string, unknown> = { devs };
  if (full) state.parents = parentDetails;
  else state.avail = avail;
  state.pdevs = pdevs;
  if (full) {
    for (const [key, dir] of [
      ['vfio_dev', '/dev/vfio'],
      ['iommu_groups', '/sys/kernel/iommu_groups'],
      ['mdev_bus_class', '/sys/class/mdev_bus'],
      ['mdev_drivers', '/sys/bus/mdev/drivers'],
    ] as const) {
      const l = vfs.ls(dir);
      state[key] = typeof l === 'number' ? `-${errnoName(l)}` : l;
    }
  }
  state.mods = modules(k, full);
  return state;
}

/** `/proc/modules` as the runner filters it: most recently loaded first, with references and users. */
function modules(k: Kernel, all: boolean): ScenarioState['mods'] {
  const mods: ScenarioState['mods'] = {};
  for (const [name, m] of [...k.modules.loaded].reverse()) {
    if (m.builtin || (!all && !INTERESTING_MODULES.includes(name))) continue;
    const users = [...m.users].sort();
    mods[name] = {
      ref: m.refs + m.users.size,
      state: m.state,
      ...(users.length ? { users: users.join(',') } : {}),
    };
  }
  return mods;
}
