import type { SystemConfig, SystemSlot } from './system_config.ts';
import { unloadSucceeds } from './system_modules.ts';
import { allOf, loadedGuard, negate, type SystemGuard, systemSetup } from './system_setup.ts';

/** The region of one device slot: its device's lifecycle and the VFIO attachment of its holder process. */
export function slotRegion(config: SystemConfig, slot: SystemSlot) {
  const legacy = config.profile === 'v4.10';
  const parent = config.parents.find((p) => p.name === slot.parent)!;
  const forSlot = { type: 'isSlot' as const, params: { slot: slot.index } };
  const owner = { parent: parent.name };
  const units = { parent: parent.name, cost: slot.cost };
  /** 4.10: creates and removes of the parent's devices need `parent->lock`, which a sleeping remove holds. */
  const unlocked = legacy ? [negate({ type: 'lockHeld', params: owner })] : [];
  const onSlot = (...guards: readonly SystemGuard[]) =>
    guards.length === 0 ? forSlot : allOf(forSlot, ...guards);
  const exists = { kernel: 'create_store', errno: 'EEXIST', stage: 'write' } as const;
  const remover = legacy ? 'mdev_device_remove' : 'mdev_device_remove_common';
  return systemSetup.createStateConfig({
    description: `Device slot ${slot.index}: UUID ${slot.uuid}, an ${slot.type} of ${slot.parent}, opened by holder process h${slot.index}.`,
    initial: 'absent',
    states: {
      absent: {
        description: `No device ${slot.uuid}.`,
        on: {
          CREATE: [
            {
              guard: onSlot(negate(loadedGuard(parent.name))),
              meta: {
                kernel: 'create_store',
                errno: 'ENOENT',
                stage: 'open',
                note: `no mdev_supported_types/${slot.type}/create: ${parent.name} is not loaded`,
              },
            },
            ...(parent.exhaustion
              ? [
                  {
                    guard: onSlot(
                      ...unlocked,
                      negate({ type: 'fits', params: { ...units, pool: parent.pool } }),
                    ),
                    meta: {
                      kernel: legacy
                        ? `${parent.name}_create`
                        : parent.exhaustion === 'EUSERS'
                          ? 'mdev_device_create'
                          : `${parent.name}_init_dev`,
                      errno: parent.exhaustion,
                      stage: 'write' as const,
                      note: `the pool of ${parent.pool} units is exhausted (§4)`,
                    },
                  },
                ]
              : []),
            {
              guard: onSlot(...unlocked),
              target: 'idle',
              actions: { type: 'reserve', params: units },
              meta: { kernel: 'mdev_device_create', returns: 'count' },
            },
          ],
          REMOVE: {
            guard: forSlot,
            meta: {
              kernel: 'remove_store',
              errno: 'ENOENT',
              stage: 'open',
              note: `no /sys/bus/mdev/devices/${slot.uuid}`,
            },
          },
          OPEN: {
            guard: forSlot,
            meta: {
              kernel: 'vfio_group_fops_open',
              errno: 'ENOENT',
              stage: 'group',
              note: 'the device has no iommu_group link to resolve: it does not exist',
            },
          },
        },
      },
      idle: {
        description: `Device ${slot.uuid} exists (on the bus, with its remove attribute and, when a VFIO driver bound it, an IOMMU group); no process holds it.`,
        on: {
          CREATE: { guard: onSlot(...unlocked), meta: { ...exists, note: 'the UUID is in use' } },
          REMOVE: {
            guard: onSlot(...unlocked),
            target: 'absent',
            actions: { type: 'giveBack', params: units },
            meta: {
              kernel: remover,
              returns: 'count',
              note: 'no device fd is open: removed at once, pool credited',
            },
          },
          OPEN: [
            ...(legacy
              ? [
                  {
                    guard: onSlot(negate(loadedGuard('vfio_mdev'))),
                    meta: {
                      kernel: 'vfio_group_fops_open',
                      errno: 'ENOENT' as const,
                      stage: 'group' as const,
                      note: '§1.1: vfio_mdev is not loaded, so no VFIO driver bound the device and it has no IOMMU group',
                    },
                  },
                ]
              : []),
            {
              guard: onSlot(negate(loadedGuard('vfio_iommu_type1'))),
              meta: {
                kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                errno: 'EINVAL',
                stage: 'dev',
                note: '§3.1: SET_IOMMU failed (ENODEV, no type1 backend), so the container has no IOMMU',
              },
            },
            {
              guard: forSlot,
              target: 'attached',
              actions: { type: 'openFd', params: owner },
              meta: {
                kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                returns: 'fd',
                note: 'container, group, SET_CONTAINER, SET_IOMMU(TYPE1v2), GET_DEVICE_FD all succeed',
              },
            },
          ],
          UNLOAD: {
            guard: unloadSucceeds(config, parent.name),
            target: 'absent',
            actions: { type: 'giveBack', params: units },
            meta: { kernel: remover, note: 'the parent’s unregistration removes its devices' },
          },
        },
      },
      attached: {
        description: `Holder h${slot.index} has opened device ${slot.uuid}: container, group attached to it, type1 IOMMU set, one device fd.`,
        on: {
          CREATE: { guard: onSlot(...unlocked), meta: { ...exists, note: 'the UUID is in use' } },
          REMOVE: {
            guard: onSlot(...unlocked),
            target: 'removing',
            actions: legacy
              ? [
                  { type: 'sleepRemove', params: owner },
                  { type: 'giveBack', params: units },
                ]
              : [{ type: 'sleepRemove', params: owner }],
            meta: {
              kernel: legacy ? 'vfio_del_group_dev' : 'vfio_unregister_group_dev',
              blocks: true,
              note: legacy
                ? '§1.6: the vendor remove runs first (pool credited, device off the bus), then the write sleeps holding parent->lock until the device fd closes'
                : '§2.5, §2.6: the write sleeps until the device fd closes; the device stays, with its GUID reserved and its pool share held',
            },
          },
          CLOSE: {
            guard: forSlot,
            target: 'idle',
            actions: { type: 'closeFd', params: owner },
            meta: {
              kernel: 'vfio_device_fops_release',
              returns: '0',
              note: 'the holder exits: device fd, group and container close',
            },
          },
        },
      },
      removing: {
        description: legacy
          ? `A remove of ${slot.uuid} sleeps until holder h${slot.index} closes its device fd, holding parent->lock; the device is off the bus and its pool share is back (§1.6).`
          : `A remove of ${slot.uuid} sleeps until holder h${slot.index} closes its device fd; the bus link and remove attribute are gone, the device directory, its GUID and its pool share stay (§2.5).`,
        on: {
          ...(legacy
            ? {}
            : {
                CREATE: {
                  guard: forSlot,
                  meta: { ...exists, note: '§2.4: the GUID stays reserved on mdev_list until release' },
                },
              }),
          REMOVE: {
            guard: forSlot,
            meta: {
              kernel: 'remove_store',
              errno: 'ENOENT',
              stage: 'open',
              note: 'the first remove deleted the remove attribute',
            },
          },
          CLOSE: {
            guard: forSlot,
            target: 'absent',
            actions: legacy
              ? [
                  { type: 'closeFd', params: owner },
                  { type: 'wakeRemove', params: owner },
                ]
              : [
                  { type: 'closeFd', params: owner },
                  { type: 'wakeRemove', params: owner },
                  { type: 'giveBack', params: units },
                ],
            meta: {
              kernel: 'vfio_device_fops_release',
              returns: '0',
              completes: 'remove',
              note: legacy
                ? 'the last device fd closes: the sleeping remove returns'
                : 'the last device fd closes: the device is released (pool credited) and the sleeping remove returns',
            },
          },
        },
      },
    },
  });
}
