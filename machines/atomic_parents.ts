/**
 * The parent drivers the atomic rules know (the samples of kernel-semantics.md §4 unless given) and the
 * module dependencies between VFIO, mdev and the parents.
 */
import type { SpecModule, SpecParent, SpecParentConfig, SpecState } from './atomic_state.ts';
import type { KernelProfile } from './profile.ts';

/**
 * The sample parents of kernel-semantics.md §4 at a profile: mtty (24 ports; types cost 1 and 2; 6.1 ENOSPC,
 * 4.10 never refuses), mdpy (`count` instances, default 4, one each; 6.1 counted by the core: EUSERS;
 * 4.10-era -ENOMEM) and mbochs (`count` MB, default 256; 4/16/64 MB; 6.1 ENOSPC, 4.10-era -ENOMEM).
 */
export function sampleParents(profile: KernelProfile): Readonly<Record<string, SpecParentConfig>> {
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

/** Whether `module` is a parent driver (one of the state's parents). */
export function isParent(state: SpecState, module: SpecModule): boolean {
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
export function initialSpecState(profile: KernelProfile, parents = sampleParents(profile)): SpecState {
  return { profile, modules: {}, devices: {}, holders: {}, pending: [], nextGen: 1, parents };
}
