import type { Tristate, VfioBuild } from '../kernel/build_config.ts';
import type { Kernel, ModuleCatalog, ModuleDef } from '../kernel/kernel.ts';
import { mdevModule } from '../mdev/mdev_module.ts';
import { vfioMdevModule } from '../mdev/vfio_mdev.ts';
import type { Profile } from '../profile/profiles.ts';
import { mbochsV410Module } from '../samples/mbochs_v4_10.ts';
import { mbochsV61Module } from '../samples/mbochs_v6_1.ts';
import { mdpyV410Module } from '../samples/mdpy_v4_10.ts';
import { mdpyV61Module } from '../samples/mdpy_v6_1.ts';
import { mttyV410Module } from '../samples/mtty_v4_10.ts';
import { mttyV61Module } from '../samples/mtty_v6_1.ts';
import { noiommuFixtureModule } from '../samples/noiommu_fixture.ts';
import { vfioIommuSpaprTceModule, vfioIommuType1Module } from '../vfio/iommu_modules.ts';
import { vfioModule } from '../vfio/vfio_module.ts';
import type { AvailableModule } from './loader.ts';

/**
 * The modules a kernel of `profile` built with `build` provides (its `/modules/*.ko` plus the built-in
 * ones), each a fresh instance with its own state. Sample drivers follow the profile's kernel; `extra`
 * adds user modules (a vendor driver under test). Listed in boot order.
 */
export const moduleCatalog: ModuleCatalog = (
  profile: Profile,
  build: VfioBuild,
  extra: readonly ModuleDef[],
): Map<string, AvailableModule<Kernel>> => {
  const legacy = profile.kernel === 'v4.10';
  const entries: Array<[ModuleDef, Tristate]> = [
    [vfioModule, build.vfio],
    [vfioIommuType1Module(), build.type1],
    [vfioIommuSpaprTceModule(), build.spaprTce],
    [mdevModule, build.mdev],
    [vfioMdevModule(), legacy ? build.mdevDevice : 'n'],
    [legacy ? mttyV410Module() : mttyV61Module(), build.samples.mtty],
    [legacy ? mdpyV410Module() : mdpyV61Module(), build.samples.mdpy],
    [legacy ? mbochsV410Module() : mbochsV61Module(), build.samples.mbochs],
    [noiommuFixtureModule(), build.noiommu ? 'm' : 'n'],
  ];
  const catalog = new Map<string, AvailableModule<Kernel>>();
  for (const [def, built] of entries)
    if (built !== 'n') catalog.set(def.name, { def, builtin: built === 'y' });
  for (const def of extra) catalog.set(def.name, { def, builtin: false });
  return catalog;
};
