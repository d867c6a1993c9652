import { type SystemConfig, type SystemParent, systemModuleDeps } from './system_config.ts';
import { allOf, anyOf, loadedGuard, negate, type SystemGuard, systemSetup } from './system_setup.ts';

/** Modules that link against `module` (loaded, they make its unload fail with EAGAIN). */
function dependents(config: SystemConfig, module: string): string[] {
  return config.modules.filter((m) => systemModuleDeps(m).includes(module));
}

/**
 * The parents whose open device fds hold a reference on `module`: every holder keeps a container fd (vfio)
 * whose IOMMU is type1; a device fd pins the vendor driver at 6.1 (`vfio_device_open`, §2.6) and the
 * vfio_mdev bridge at 4.10 (§1.7), and there also the driver itself when its `open` takes a reference
 * (the 2018 mdpy and mbochs). mdev is pinned only by the modules that use it.
 */
function pinnedBy(config: SystemConfig, module: string): string[] {
  const all = config.parents.map((p) => p.name);
  if (module === 'vfio' || module === 'vfio_iommu_type1' || module === 'vfio_mdev') return all;
  const parent = config.parents.find((p) => p.name === module);
  if (!parent) return [];
  return config.profile === 'v6.1' || parent.pinsSelfAt410 ? [parent.name] : [];
}

/**
 * 4.10 only: an unload of a parent whose open fds do not pin it (mtty) goes ahead and sleeps in the
 * parent's unregistration until those fds close (§1.3); the order in which it removes the children is
 * their creation order, which this composition does not keep, so it leaves that case to the parent
 * machine and does not offer the unload while such a parent has an open device.
 */
function unregistrationSleeps(config: SystemConfig, parent: SystemParent): boolean {
  return config.profile === 'v4.10' && !parent.pinsSelfAt410;
}

/** The guard of a successful unload of `module`: nothing uses it and no fd pins it (see {@link unregistrationSleeps}). */
export function unloadSucceeds(config: SystemConfig, module: string) {
  const users = dependents(config, module).map(loadedGuard);
  const pinning = pinnedBy(config, module);
  const parent = config.parents.find((p) => p.name === module);
  const guards: SystemGuard[] = [
    ...(users.length ? [negate(anyOf(...users))] : []),
    ...(pinning.length ? [negate({ type: 'pinned', params: { parents: pinning } })] : []),
    ...(parent && unregistrationSleeps(config, parent)
      ? [negate({ type: 'pinned', params: { parents: [parent.name] } })]
      : []),
  ];
  return allOf({ type: 'isModule', params: { module } }, ...guards);
}

/** The region of one module: unloaded ⇄ loaded, with the refusals of `finit_module` and `delete_module`. */
export function moduleRegion(config: SystemConfig, module: string) {
  const legacy = config.profile === 'v4.10';
  const deps = systemModuleDeps(module).map(loadedGuard);
  const users = dependents(config, module).map(loadedGuard);
  const pinning = pinnedBy(config, module);
  const isThis = { type: 'isModule' as const, params: { module } };
  /** 4.10: mdev_init requests vfio_mdev, which modprobe loads together with vfio (§1.1). */
  const loadedWithMdev = legacy && (module === 'vfio' || module === 'vfio_mdev');
  const parent = config.parents.find((p) => p.name === module);
  const refused: SystemGuard[] = [
    ...users,
    ...(pinning.length ? [{ type: 'pinned', params: { parents: pinning } }] : []),
  ];
  return systemSetup.createStateConfig({
    description: `The ${module} module.`,
    initial: 'unloaded',
    states: {
      unloaded: {
        description: `${module}.ko is not loaded.`,
        on: {
          LOAD: [
            ...(deps.length
              ? [
                  {
                    guard: allOf(isThis, negate(allOf(...deps))),
                    meta: {
                      kernel: 'finit_module',
                      errno: 'ENOENT' as const,
                      note: `unresolved symbols: ${module} needs ${systemModuleDeps(module).join(' and ')}`,
                    },
                  },
                ]
              : []),
            { guard: isThis, target: 'loaded', meta: { kernel: 'finit_module', returns: '0' } },
            ...(loadedWithMdev
              ? [
                  {
                    guard: allOf(
                      { type: 'isModule', params: { module: 'mdev' } },
                      negate(loadedGuard('mdev')),
                    ),
                    target: 'loaded' as const,
                    meta: {
                      kernel: 'request_module_nowait',
                      note: '§1.1: mdev_init requests vfio_mdev; modprobe loads it with vfio',
                    },
                  },
                ]
              : []),
          ],
          UNLOAD: { guard: isThis, meta: { kernel: 'delete_module', errno: 'ENOENT', note: 'not loaded' } },
        },
      },
      loaded: {
        description: parent
          ? `${module}.ko is loaded and its parent device is registered with mdev: its types are in mdev_supported_types.`
          : `${module}.ko is loaded.`,
        on: {
          LOAD: { guard: isThis, meta: { kernel: 'finit_module', errno: 'EEXIST', note: 'already loaded' } },
          UNLOAD: [
            ...(refused.length
              ? [
                  {
                    guard: allOf(isThis, anyOf(...refused)),
                    meta: {
                      kernel: 'delete_module',
                      errno: 'EAGAIN' as const,
                      note: 'O_NONBLOCK: a module using it is loaded, or open fds hold references on it',
                    },
                  },
                ]
              : []),
            {
              guard: unloadSucceeds(config, module),
              target: 'unloaded',
              meta: {
                kernel: 'delete_module',
                returns: '0',
                ...(parent
                  ? { note: `${module}_exit unregisters the parent, which removes its devices (§1.3, §2.3)` }
                  : {}),
              },
            },
          ],
        },
      },
    },
  });
}
