import { moduleDeps, sampleParents } from './atomic_parents.ts';
import type { SpecParentConfig } from './atomic_state.ts';
import type { ErrnoName } from './errno.ts';
import type { KernelProfile } from './profile.ts';

/** A parent driver of the composition as the user names it: a sample module and its load parameters. */
export interface SystemParentSpec {
  /** The sample's module name (`mtty`, `mdpy`, `mbochs`). */
  readonly name: string;
  /** Module parameters given at load (`count` of mdpy and mbochs). */
  readonly params?: Readonly<Record<string, number>>;
  /** A vendor driver's own accounting (types, costs, pool, refusal errno); default: the sample's. */
  readonly accounting?: SpecParentConfig;
}

/** What the system machine is built from: the kernel, its parent drivers and the number of device slots. */
export interface SystemOptions {
  readonly profile: KernelProfile;
  /** Parent drivers, in order (default: mtty alone). */
  readonly parents?: readonly SystemParentSpec[];
  /** Device slots (default 2). */
  readonly slots?: number;
}

/** One mdev type of a parent and what an instance of it takes from the parent's pool. */
export interface SystemType {
  readonly name: string;
  readonly cost: number;
}

/** A parent driver as the composition uses it (kernel-semantics.md §4, via `sampleParents`). */
export interface SystemParent {
  readonly name: string;
  readonly params: Readonly<Record<string, number>>;
  readonly types: readonly SystemType[];
  /** The pool size with the load parameters applied (ports, instances or MB). */
  readonly pool: number;
  /** The errno of a create that does not fit (null: the driver never refuses, 4.10 mtty). */
  readonly exhaustion: ErrnoName | null;
  /** 4.10: an open device fd also pins the driver's own module (mdpy, mbochs). */
  readonly pinsSelfAt410: boolean;
}

/**
 * A device slot: one UUID bound to one parent and type. Slots of the same parent and type form a
 * symmetry class: their devices are interchangeable.
 */
export interface SystemSlot {
  readonly index: number;
  readonly uuid: string;
  readonly parent: string;
  readonly type: string;
  readonly cost: number;
  /** The symmetry class: slots with equal `klass` differ only in their UUID. */
  readonly klass: number;
}

/** The resolved composition: modules in load order, parents and slots. */
export interface SystemConfig {
  readonly profile: KernelProfile;
  /** Every module the composition loads and unloads, in dependency order. */
  readonly modules: readonly string[];
  readonly parents: readonly SystemParent[];
  readonly slots: readonly SystemSlot[];
}

/** The UUID of slot `index`: a fixed, valid, lower-case UUID per slot. */
function slotUuid(index: number): string {
  return `00000000-0000-4000-8000-${(index + 1).toString(16).padStart(12, '0')}`;
}

/** The modules a module links against (an unloaded one makes its load fail with ENOENT). */
export function systemModuleDeps(module: string): readonly string[] {
  return moduleDeps(module);
}

/**
 * Resolves the composition: the parents' types, pools and refusal errnos (a vendor driver's own
 * accounting, or the sample's at the profile from `sampleParents` of atomic_rules.ts), and the slots, dealt round-robin over the types so that every parent
 * gets a slot before any gets a second one: mtty-1, mdpy-vga, mbochs-small, mtty-2, … Throws on an unknown
 * parent or a slot count below 1.
 */
export function resolveSystemConfig(options: SystemOptions): SystemConfig {
  const { profile } = options;
  const specs = options.parents ?? [{ name: 'mtty' }];
  const slotCount = options.slots ?? 2;
  if (!Number.isInteger(slotCount) || slotCount < 1)
    throw new Error(`slots must be a positive integer, got ${slotCount}`);
  if (specs.length === 0) throw new Error('at least one parent is needed');
  const samples = sampleParents(profile);
  const parents = specs.map((spec): SystemParent => {
    const sample = spec.accounting ?? samples[spec.name];
    if (!sample) throw new Error(`unknown parent '${spec.name}' (known: ${Object.keys(samples).join(', ')})`);
    const params = spec.params ?? {};
    const pool =
      typeof sample.pool === 'number' ? sample.pool : (params[sample.pool.param] ?? sample.pool.default);
    return {
      name: spec.name,
      params,
      types: Object.entries(sample.types).map(([name, cost]) => ({ name, cost })),
      pool,
      exhaustion: sample.exhaustion,
      pinsSelfAt410: sample.pinsSelfAt410,
    };
  });
  if (new Set(parents.map((p) => p.name)).size !== parents.length) throw new Error('a parent is named twice');
  const columns = Math.max(...parents.map((p) => p.types.length));
  const order: { parent: SystemParent; type: SystemType }[] = [];
  for (let t = 0; t < columns; t++) {
    for (const parent of parents) {
      const type = parent.types[t];
      if (type) order.push({ parent, type });
    }
  }
  const slots = Array.from({ length: slotCount }, (_, index): SystemSlot => {
    const klass = index % order.length;
    const { parent, type } = order[klass]!;
    return { index, uuid: slotUuid(index), parent: parent.name, type: type.name, cost: type.cost, klass };
  });
  const core =
    profile === 'v4.10'
      ? ['vfio', 'vfio_iommu_type1', 'mdev', 'vfio_mdev']
      : ['vfio', 'vfio_iommu_type1', 'mdev'];
  return { profile, modules: [...core, ...parents.map((p) => p.name)], parents, slots };
}
