import { mdevDeviceSetup } from './mdev_device_setup.ts';

const RELEASED = '#mdevDevice.lifecycle.released';
const ACTIVE = '#mdevDevice.lifecycle.exists.active';
const REMOVING = '#mdevDevice.lifecycle.exists.removing';
const DELETED = '#mdevDevice.lifecycle.exists.deleted';

/**
 * The v6.1 lifecycle region of one mdev device (kernel-semantics.md §2.4, §2.5, §2.6, §6.3–§6.5, §7):
 * `absent → reserved → added → probing → (vfio registered) → probed → linked → active → claimed →
 * removing (vendor remove → vfio_unregister_group_dev, blocked on release while fds are open) →
 * deleted → released`, with the error edges of create, the EAGAIN refusal during create that loses the
 * `remove` file (§2.5, kept as the kernel has it), and removal by parent unregistration.
 */
export const lifecycleV6_1 = mdevDeviceSetup.createStateConfig({
  description:
    'mdev_device_create / mdev_device_remove / mdev_unregister_parent as seen by one device (6.1).',
  initial: 'absent',
  states: {
    absent: {
      description: 'No device with this GUID on mdev_list: the GUID is free.',
      on: {
        'mdev.reserve': {
          target: 'exists',
          actions: 'beginCreate',
          meta: {
            kernel: 'mdev_device_create',
            note: '§2.4 steps 1–5: GUID added to mdev_list, active=false',
          },
        },
        'mdev.create.end': {
          guard: { type: 'createEndedWith', params: { errno: 'EUSERS' } },
          meta: {
            kernel: 'mdev_device_create',
            errno: 'EUSERS',
            note: '§2.4 step 3: core-counted parent (mdpy) has no instance left; nothing reserved',
          },
        },
      },
    },
    exists: {
      description:
        'The GUID is on mdev_list (from the reservation until the final put_device): another create of it gets EEXIST.',
      initial: 'creating',
      on: {
        'mdev.create.end': [
          {
            guard: { type: 'createEndedWith', params: { errno: 'EEXIST' } },
            meta: {
              kernel: 'mdev_device_create',
              errno: 'EEXIST',
              note: '§2.4 step 2: a second create of this GUID',
            },
          },
          {
            guard: 'createSucceeded',
            actions: 'creatorReturned',
            meta: { kernel: 'create_store', returns: 'count' },
          },
        ],
      },
      states: {
        creating: {
          description:
            'Create in progress under unreg_sem (read): active is false, so a remove write is refused with EAGAIN.',
          initial: 'reserved',
          on: {
            'mdev.remove.refused': {
              guard: { type: 'refusedWhileRemoveFileExists', params: { errno: 'EAGAIN' } },
              actions: 'dropRemoveFile',
              meta: {
                kernel: 'mdev_device_remove',
                errno: 'EAGAIN',
                note: '§2.5 anomaly: device_remove_file_self deleted the remove file and it is not re-created (C-3); the device stays without it',
              },
            },
          },
          states: {
            reserved: {
              description:
                'On mdev_list with active=false; nothing in sysfs yet (device_initialize, dev_set_name).',
              on: {
                'mdev.device_add': {
                  target: 'added',
                  actions: 'createRemoveFile',
                  meta: {
                    kernel: 'device_add',
                    note: '§2.4 step 8: the device and its remove attribute (dev->groups) appear; KOBJ_ADD',
                  },
                },
                'mdev.release': {
                  target: RELEASED,
                  meta: {
                    kernel: 'mdev_device_create',
                    errno: 'ENODEV',
                    note: '§2.4 step 7: down_read_trylock(unreg_sem) failed (parent unregistering); put_device frees the GUID',
                  },
                },
              },
            },
            added: {
              description:
                'In sysfs with its remove file; no driver bound yet (device_driver_attach is next).',
              on: {
                'vendor.enter': {
                  guard: { type: 'isCallback', params: { cb: 'probe' } },
                  target: 'probing',
                  meta: { kernel: 'device_driver_attach → mdev_driver.probe', note: '§2.4 step 9' },
                },
              },
            },
            probing: {
              description:
                'Vendor probe running: vfio_alloc_device (runs the vendor init, which reserves per-device resources).',
              on: {
                'vendor.enter': {
                  guard: { type: 'isOneOfCallbacks', params: { cbs: ['init', 'release'] } },
                  meta: { kernel: 'vfio_alloc_device → ops->init / vfio_put_device → ops->release' },
                },
                'vendor.exit': [
                  {
                    guard: { type: 'isOneOfCallbacks', params: { cbs: ['init', 'release'] } },
                    meta: { kernel: 'vfio_alloc_device → ops->init / vfio_put_device → ops->release' },
                  },
                  {
                    guard: { type: 'callbackFailed', params: { cb: 'probe' } },
                    target: 'probeFailed',
                    meta: {
                      kernel: 'mdev_device_create',
                      errno: 'ENOSPC',
                      note: '§2.4 step 9: the probe errno is the create errno (mtty/mbochs exhausted: ENOSPC; EPROBE_DEFER→EAGAIN)',
                    },
                  },
                ],
                'vfio.register': {
                  target: 'vfioRegistered',
                  actions: { type: 'setVfio', params: { vfio: 'registered' } },
                  meta: {
                    kernel: 'vfio_register_emulated_iommu_dev',
                    note: '§2.6: IOMMU group "vfio-noiommu", /dev/vfio/N and vfio-dev/vfioX created',
                  },
                },
              },
            },
            vfioRegistered: {
              description:
                'The VFIO device is registered while the vendor probe has not returned: GET_DEVICE_FD can already open it.',
              on: {
                'vendor.exit': {
                  guard: { type: 'callbackSucceeded', params: { cb: 'probe' } },
                  target: 'probed',
                  meta: { kernel: 'mdev_driver.probe', returns: '0' },
                },
              },
            },
            probeFailed: {
              description: 'The probe failed: device_del, up_read and put_device unwind the create.',
              on: {
                'mdev.release': {
                  target: RELEASED,
                  meta: { kernel: 'mdev_device_release', note: 'the GUID is free again' },
                },
              },
            },
            probed: {
              description: 'Vendor probe returned 0: driver bound, VFIO device registered.',
              on: {
                'mdev.links': {
                  target: 'linked',
                  meta: {
                    kernel: 'mdev_create_sysfs_files',
                    note: '§2.4 step 10: devices/<uuid> and mdev_type links',
                  },
                },
              },
            },
            linked: {
              description: 'Type links exist; active is still false.',
              on: {
                'mdev.active': {
                  target: ACTIVE,
                  actions: 'activate',
                  meta: {
                    kernel: 'mdev_device_create',
                    note: '§2.4 step 11: active=true without mdev_list_lock, then up_read',
                  },
                },
              },
            },
          },
        },
        active: {
          description:
            'Fully created: listed under the type, removable by a remove write or by parent unregistration.',
          on: {
            'mdev.remove.claim': {
              guard: 'removeFileExists',
              target: 'claimed',
              actions: ['deactivate', 'dropRemoveFile'],
              meta: {
                kernel: 'mdev_device_remove',
                note: '§2.5 steps 1–3: the writer self-removed the remove file; active=false under mdev_list_lock',
              },
            },
            'mdev.teardown.begin': {
              guard: { type: 'teardownBy', params: { by: 'unregister' } },
              target: REMOVING,
              meta: {
                kernel: 'mdev_unregister_parent → mdev_device_remove_common',
                note: '§2.3 step 4: active is not looked at',
              },
            },
          },
        },
        claimed: {
          description: 'A remover cleared active and will take unreg_sem for read (trylock).',
          on: {
            'mdev.teardown.begin': [
              {
                guard: { type: 'teardownBy', params: { by: 'user' } },
                target: REMOVING,
                meta: { kernel: 'mdev_device_remove_common', note: '§2.5 step 5' },
              },
              {
                guard: { type: 'teardownBy', params: { by: 'unregister' } },
                target: REMOVING,
                meta: {
                  kernel: 'mdev_unregister_parent → mdev_device_remove_common',
                  note: '§2.3 step 4: the unregistration removes every child, claimed or not; the claimer’s trylock will fail',
                },
              },
            ],
            'mdev.remove.refused': {
              guard: { type: 'refusedWith', params: { errno: 'ENODEV' } },
              target: 'awaitingUnregister',
              meta: {
                kernel: 'mdev_device_remove',
                errno: 'ENODEV',
                note: '§2.5 step 4: down_read_trylock(unreg_sem) failed; the unregistration removes the device',
              },
            },
          },
        },
        awaitingUnregister: {
          description:
            'Claimed but not removed (parent unregistration in progress): inactive, no remove file; the parent unregistration removes it.',
          on: {
            'mdev.teardown.begin': {
              guard: { type: 'teardownBy', params: { by: 'unregister' } },
              target: REMOVING,
              meta: { kernel: 'mdev_unregister_parent → mdev_device_remove_common' },
            },
          },
        },
        removing: {
          description:
            'mdev_device_remove_common: links removed, device_del (attributes, then the bus remove calls the vendor remove).',
          initial: 'unlinking',
          on: {
            'mdev.remove.claim': {
              guard: 'isActive',
              actions: ['deactivate', 'dropRemoveFile'],
              meta: {
                kernel: 'mdev_device_remove',
                note: 'a user remove that self-removed the file before device_del still finds active set (the unregistration never clears it); its trylock must then fail',
              },
            },
            'mdev.remove.refused': {
              guard: { type: 'refusedWith', params: { errno: 'ENODEV' } },
              meta: {
                kernel: 'mdev_device_remove',
                errno: 'ENODEV',
                note: '§6.1 "Unregistering": a racing user remove fails its unreg_sem trylock',
              },
            },
          },
          states: {
            unlinking: {
              description:
                'Links removed; device_del is removing the attributes (the remove file still exists if the parent unregistration started this).',
              on: {
                'vendor.enter': {
                  guard: { type: 'isCallback', params: { cb: 'remove' } },
                  target: 'vendorRemoving',
                  actions: 'dropRemoveFile',
                  meta: {
                    kernel: 'device_del → bus remove → mdev_driver.remove',
                    note: 'the attributes went first',
                  },
                },
              },
            },
            vendorRemoving: {
              description:
                'Vendor remove running; it calls vfio_unregister_group_dev (vendor state still valid).',
              on: {
                'vfio.unregister.begin': {
                  target: 'vfioUnregistering',
                  actions: { type: 'setVfio', params: { vfio: 'unregistering' } },
                  meta: {
                    kernel: 'vfio_unregister_group_dev',
                    note: '§2.6: the registration reference is dropped',
                  },
                },
              },
            },
            vfioUnregistering: {
              description: 'Registration dropped; waits for the completion if device fds hold references.',
              on: {
                'vfio.unregister.wait': {
                  target: 'blockedOnRelease',
                  actions: { type: 'setVfio', params: { vfio: 'waiting' } },
                  meta: {
                    kernel: 'vfio_unregister_group_dev',
                    note: '§2.6: references remain (open fds, or an open in flight); waits for the completion',
                  },
                },
                'vfio.unregister.end': {
                  guard: 'noOpenFds',
                  target: 'vendorReleasing',
                  actions: { type: 'setVfio', params: { vfio: 'gone' } },
                  meta: {
                    kernel: 'vfio_device_remove_group',
                    note: '/dev/vfio/N removed when the group has no device left',
                  },
                },
              },
            },
            blockedOnRelease: {
              description:
                'The remove write (or unregistration) sleeps while device fds are open; ioctls on them work and GET_DEVICE_FD still succeeds.',
              on: {
                'vfio.unregister.end': {
                  guard: 'noOpenFds',
                  target: 'vendorReleasing',
                  actions: { type: 'setVfio', params: { vfio: 'gone' } },
                  meta: { kernel: 'vfio_device_remove_group', note: 'the last fd closed' },
                },
              },
            },
            vendorReleasing: {
              description:
                'VFIO device unregistered; vfio_put_device runs the vendor release (instances given back).',
              on: {
                'vendor.enter': {
                  guard: { type: 'isCallback', params: { cb: 'release' } },
                  meta: { kernel: 'vfio_put_device → ops->release' },
                },
                'vendor.exit': [
                  {
                    guard: { type: 'isCallback', params: { cb: 'release' } },
                    meta: { kernel: 'vfio_put_device → ops->release' },
                  },
                  {
                    guard: { type: 'isCallback', params: { cb: 'remove' } },
                    target: 'unbound',
                    meta: { kernel: 'mdev_driver.remove' },
                  },
                ],
              },
            },
            unbound: {
              description: 'Vendor remove returned; device_del finishes.',
              on: {
                'mdev.teardown.end': {
                  target: DELETED,
                  meta: { kernel: 'device_del' },
                },
              },
            },
          },
        },
        deleted: {
          description:
            'device_del done: gone from sysfs; the GUID stays reserved until the final put_device.',
          on: {
            'mdev.release': {
              target: RELEASED,
              meta: {
                kernel: 'mdev_device_release',
                note: '§2.5: list_del frees the GUID; core-counted instance given back',
              },
            },
          },
        },
      },
    },
    released: {
      description:
        'Terminal: mdev_device_release ran; the GUID is free. A create still in flight may return here, and a remover that opened the remove file before the device went finds it off mdev_list.',
      on: {
        'mdev.remove.refused': {
          guard: { type: 'refusedWith', params: { errno: 'ENODEV' } },
          meta: {
            kernel: 'mdev_device_remove',
            errno: 'ENODEV',
            note: '§2.5 step 1: the device is no longer on mdev_list (its create failed, or it was removed, after the remove file was opened)',
          },
        },
        'mdev.create.end': [
          {
            guard: 'createSucceeded',
            actions: 'creatorReturned',
            meta: {
              kernel: 'create_store',
              returns: 'count',
              note: 'a remover finished before the creator returned',
            },
          },
          {
            guard: 'createFailed',
            actions: 'creatorReturned',
            meta: { kernel: 'create_store', note: 'the failed create returns its errno after the unwind' },
          },
        ],
      },
    },
  },
});
