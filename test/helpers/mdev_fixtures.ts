import type { Pending } from '../../src/api/pending.ts';
import { MdevSystem } from '../../src/api/system.ts';
import type { VfioUser } from '../../src/api/vfio_user.ts';
import { debianBuild } from '../../src/kernel/build_config.ts';
import type { ModuleDef } from '../../src/kernel/kernel.ts';
import type { Profile } from '../../src/profile/profiles.ts';
import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import type { OpRecord } from '../../src/scenario/holder.ts';

/** Both kernel profiles the suites run at. */
export const BOTH_PROFILES: readonly Profile[] = [V4_10, V6_1];

/** True for the v4.10 profile (used to select profile-specific rows of the reference tables). */
export function is410(profile: Profile): boolean {
  return profile.kernel === 'v4.10';
}

/** A lower-case test UUID ending in the 4 hex digits of `n`, in the oracle scenarios' style. */
export function uuid(n: number): string {
  return `83b8f4f2-509f-382f-3c1e-e6bfe0fa${n.toString(16).padStart(4, '0')}`;
}

/** `/sys/devices/virtual/<parent>/<parent>`: where the samples' parent devices live. */
export function parentDir(parent: string): string {
  return `/sys/devices/virtual/${parent}/${parent}`;
}

/** The type directory `/sys/class/mdev_bus/<parent>/mdev_supported_types/<type>`. */
export function typeDir(parent: string, type: string): string {
  return `/sys/class/mdev_bus/${parent}/mdev_supported_types/${type}`;
}

/** `/sys/bus/mdev/devices/<uuid>`. */
export function busDev(id: string): string {
  return `/sys/bus/mdev/devices/${id}`;
}

/** The op list of the runner's `full` preset, to append further ops to (`${FULL},dev`). */
export const FULL = 'container,api,ext,group,status,setc,iommu,dev,info';

/** Options of `bootSystem`. */
export interface BootOptions {
  /** Sample (or extra) modules to load after vfio, vfio_iommu_type1 and mdev. */
  readonly samples?: readonly string[];
  /** Build with CONFIG_VFIO_NOIOMMU. */
  readonly noiommu?: boolean;
  readonly extraModules?: readonly ModuleDef[];
}

/** Boots a system of `profile` (Debian's build) and loads the VFIO stack plus `samples`. */
export async function bootSystem(profile: Profile, options: BootOptions = {}): Promise<MdevSystem> {
  const sys = await MdevSystem.boot({
    profile,
    build: { ...debianBuild(profile.kernel), noiommu: options.noiommu ?? false },
    extraModules: options.extraModules ?? [],
  });
  await sys.loadAll(...(options.samples ?? []));
  return sys;
}

/** Runs `ops` in `user` to completion and returns `op:err-or-ret` strings, e.g. `['group:4', 'dev:EINVAL']`. */
export async function runOps(sys: MdevSystem, user: VfioUser, ops: string): Promise<string[]> {
  return summarize(await sys.finish(user.ops(ops)));
}

/** `op:err-or-ret` strings of op records (`op:skipped` when the op had no fd to act on). */
export function summarize(records: readonly OpRecord[]): string[] {
  return records.map((r) => `${r.op}:${r.skipped ? 'skipped' : (r.err ?? r.ret)}`);
}

/** The record of the last op named `op` in `records`. */
export function recordOf(records: readonly OpRecord[], op: string): OpRecord {
  const found = records.filter((r) => r.op === op).at(-1);
  if (!found) throw new Error(`no ${op} record in ${JSON.stringify(records)}`);
  return found;
}

/** Lets the system settle and tells whether `pending` is still asleep. */
export async function stillBlocked(sys: MdevSystem, pending: Pending<unknown>): Promise<boolean> {
  await sys.settle();
  return pending.blocked;
}

/** Closes everything a VFIO user holds (device fds, group, container) and lets the system settle. */
export async function closeAll(sys: MdevSystem, user: VfioUser): Promise<void> {
  await sys.finish(user.closeAll());
  await sys.settle();
}

/** `available_instances` of every type of `parent`, in `types` order. */
export async function availability(
  sys: MdevSystem,
  parent: string,
  types: readonly string[],
): Promise<number[]> {
  const out: number[] = [];
  for (const t of types) out.push(await sys.available(parent, `${parent}-${t}`));
  return out;
}

/** Every sample parent and its types, in the order the suites use them. */
export const SAMPLE_TYPES: Readonly<Record<string, readonly string[]>> = {
  mtty: ['1', '2'],
  mdpy: ['vga', 'xga', 'hd'],
  mbochs: ['small', 'medium', 'large'],
};
