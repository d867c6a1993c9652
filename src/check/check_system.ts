import { sampleParents } from '../../machines/atomic_parents.ts';
import type { SpecModule, SpecOp, SpecParentConfig } from '../../machines/atomic_state.ts';
import type { CommandSpace } from '../../properties/commands/command_space.ts';
import type { VendorDriver } from '../driver/vendor_driver.ts';
import type { ModuleDef } from '../kernel/kernel.ts';
import { findProfile, type Profile } from '../profile/profiles.ts';

/**
 * What a check explores: a kernel (profile, extra modules), the parents the spec knows with their
 * accounting, the setup run before the concurrent part (module loads), and the space of operations the
 * commands draw from.
 */
export interface CheckSystem {
  /** For reports: what runs (e.g. `mtty, mdpy, mbochs at v6.1`). */
  readonly title: string;
  readonly profile: Profile;
  /** Parent drivers by module name, as the spec sees them. */
  readonly parents: Readonly<Record<string, SpecParentConfig>>;
  /** Fresh instances of the vendor modules that are not samples (or replace one); called per boot. */
  readonly extraModules: () => readonly ModuleDef[];
  /** Operations run one at a time before the commands (the modules loaded, each must succeed). */
  readonly setup: readonly SpecOp[];
  readonly space: CommandSpace;
}

/** UUIDs the commands use: few, so that duplicate creates and removes of live devices are frequent. */
const CHECK_UUIDS = [
  '5a1e0000-0000-4000-8000-0000000000a1',
  '5a1e0000-0000-4000-8000-0000000000a2',
  '5a1e0000-0000-4000-8000-0000000000a3',
  '5a1e0000-0000-4000-8000-0000000000a4',
] as const;

/**
 * Small pools (mdpy 2 instances, mbochs 24 MB), so that a handful of creates exhausts them and the
 * exhaustion errnos are exercised.
 */
const SAMPLE_PARAMS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  mdpy: { count: 2 },
  mbochs: { count: 24 },
};

function loads(
  modules: readonly SpecModule[],
  params: Readonly<Record<string, Readonly<Record<string, number>>>>,
): SpecOp[] {
  return modules.map((module) => ({
    op: 'load',
    module,
    ...(params[module] ? { params: params[module] } : {}),
  }));
}

function system(
  title: string,
  profile: Profile,
  parents: Readonly<Record<string, SpecParentConfig>>,
  params: Readonly<Record<string, Readonly<Record<string, number>>>>,
  extraModules: () => readonly ModuleDef[],
): CheckSystem {
  const names = Object.keys(parents);
  return {
    title,
    profile,
    parents,
    extraModules,
    setup: loads(['vfio', 'vfio_iommu_type1', 'mdev', ...names], params),
    space: { parents, uuids: CHECK_UUIDS, modules: names, params, badInput: true },
  };
}

/** The sample parents there are. */
export const SAMPLES = ['mtty', 'mdpy', 'mbochs'] as const;

/** The first of `names` that is not a sample parent, if any. */
export function unknownSample(names: readonly string[]): string | undefined {
  return names.find((n) => !(SAMPLES as readonly string[]).includes(n));
}

/**
 * The default system: the mtty, mdpy and mbochs samples of `profile` (v6.1 unless given), or only the
 * samples named in `only`.
 */
export function sampleSystem(
  profile: Profile = findProfile('v6.1')!,
  only: readonly string[] = SAMPLES,
): CheckSystem {
  const all = sampleParents(profile.kernel);
  const parents = Object.fromEntries(Object.entries(all).filter(([name]) => only.includes(name)));
  const names = Object.keys(parents);
  const title =
    names.length === 1
      ? `the ${names[0]} sample`
      : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} samples`;
  return system(`${title} at ${profile.name}`, profile, parents, SAMPLE_PARAMS, () => []);
}

/**
 * A system with one vendor driver (a user's, or a deliberately faulty example) as the only parent, at the
 * kernel it is written for (or `profile`, which must have the same base).
 */
export function driverSystem(
  driver: VendorDriver,
  profile: Profile = findProfile(driver.kernel)!,
): CheckSystem {
  return system(
    `${driver.name} at ${profile.name}`,
    profile,
    { [driver.module]: driver.accounting },
    driver.params ? { [driver.module]: driver.params } : {},
    () => [driver.create()],
  );
}
