import { mdevDeviceSetup } from './mdev_device_setup.ts';

const RELEASED = '#mdevDevice.lifecycle.released';
const VISIBLE = '#mdevDevice.lifecycle.exists.visible';
const LISTED = '#mdevDevice.lifecycle.exists.listed';
const REMOVING = '#mdevDevice.lifecycle.exists.removing';
const DELETED = '#mdevDevice.lifecycle.exists.deleted';

/**
 * The v4.10 lifecycle region of one mdev device, in the 99e3123e3d72 state (kernel-semantics.md §1.5–§1.8,
 * §6.4, C-1, C-2, C-3, C-10): `device_register` probes vfio_mdev first, so `/dev/vfio/N` can be opened
 * before the vendor `create` runs; then vendor create, the `remove` file and links, `mdev_list`. A
 * remove claims the device off `mdev_list`, calls the vendor `remove` first (which frees vendor state
 * while fds may still be open, or refuses: EBUSY and the `remove` file re-created), then
 * `device_unregister` blocks in `vfio_del_group_dev` until the fds close.
 */
export const lifecycleV4_10 = mdevDeviceSetup.createStateConfig({
  description:
    'mdev_device_create / mdev_device_remove / mdev_unregister_device as seen by one device (4.10, 99e3123e; the v4.10 tag content is UNVERIFIED, §0).',
  meta: {
    unverified: 'v4.10 tag content; 99e3123e3d72 is the best estimate (kernel-semantics.md header, §8)',
  },
  initial: 'absent',
  states: {
    absent: {
      description: 'No child device with this UUID under the parent.',
      on: {
        'vfio.register': {
          target: 'exists',
          actions: ['beginCreate', { type: 'setVfio', params: { vfio: 'registered' } }],
          meta: {
            kernel: 'device_register → vfio_mdev probe → vfio_add_group_dev',
            note: '§1.5 step 5, C-2/C-10: IOMMU group and /dev/vfio/N exist before the vendor create',
          },
        },
        'mdev.device_add': {
          target: 'exists.creating.registered',
          actions: 'beginCreate',
          meta: { kernel: 'device_register', note: '§6.3: vfio_mdev not loaded, no driver binds' },
        },
        'mdev.remove.refused': {
          guard: { type: 'refusedWith', params: { errno: 'ENODEV' } },
          meta: {
            kernel: 'mdev_unregister_device → mdev_device_remove(force)',
            errno: 'ENODEV',
            note: '§1.3 step 3, C-7: device_register already made it a child, not yet on mdev_list (the trace reports vfio.register/mdev.device_add only after device_register returns); the child iteration aborts',
          },
        },
      },
    },
    exists: {
      description: 'A child of the parent: another create of this UUID under the same parent gets EEXIST.',
      initial: 'creating',
      on: {
        'mdev.remove.refused': {
          guard: { type: 'refusedWhileUnlisted', params: { errno: 'ENODEV' } },
          meta: {
            kernel: 'mdev_device_remove',
            errno: 'ENODEV',
            note: '§1.6 (99e3123e), C-1, C-7: not on mdev_list (not yet listed, or claimed by another remover); a user writer re-creates its remove file (C-3), the unregistration stops its child iteration (C-7)',
          },
        },
        'mdev.create.end': [
          {
            guard: { type: 'createEndedWith', params: { errno: 'EEXIST' } },
            meta: {
              kernel: 'mdev_device_create',
              errno: 'EEXIST',
              note: '§1.5 step 3: duplicate among this parent’s children only (C-4)',
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
            'Create in progress under parent->lock (create and remove of the parent are serialized).',
          initial: 'registering',
          states: {
            registering: {
              description:
                'device_register: the device was added and vfio_mdev bound it (own IOMMU group, /dev/vfio/N): openable before the vendor knows it (C-10).',
              on: {
                'mdev.device_add': {
                  target: 'registered',
                  meta: { kernel: 'device_register', returns: '0' },
                },
              },
            },
            registered: {
              description: 'device_register returned; the vendor create is next.',
              on: {
                'vendor.enter': {
                  guard: { type: 'isCallback', params: { cb: 'create' } },
                  target: 'vendorCreating',
                  meta: { kernel: 'mdev_device_create_ops → parent_ops->create' },
                },
              },
            },
            vendorCreating: {
              description:
                'Vendor create running (an open through vfio_mdev can reach the vendor concurrently, C-2).',
              on: {
                'vendor.exit': [
                  {
                    guard: { type: 'callbackSucceeded', params: { cb: 'create' } },
                    target: 'vendorCreated',
                    meta: { kernel: 'parent_ops->create', returns: '0' },
                  },
                  {
                    guard: { type: 'callbackFailed', params: { cb: 'create' } },
                    target: 'createFailed',
                    meta: {
                      kernel: 'mdev_device_create',
                      errno: 'EINVAL',
                      note: '§1.5: the vendor errno is returned unchanged (mtty: EINVAL for an unknown type, ENOMEM)',
                    },
                  },
                ],
              },
            },
            vendorCreated: {
              description:
                'Vendor state exists and mdev_attr_groups are created; the remove file and links are next.',
              on: {
                'vendor.enter': {
                  guard: { type: 'isCallback', params: { cb: 'remove' } },
                  target: 'undoingCreate',
                  meta: {
                    kernel: 'mdev_device_create',
                    errno: 'EEXIST',
                    note: '§1.5 steps 6–7: mdev_attr_groups or mdev_create_sysfs_files failed (e.g. a name that already exists): vendor remove, forced',
                  },
                },
                'mdev.links': {
                  target: VISIBLE,
                  actions: 'createRemoveFile',
                  meta: {
                    kernel: 'mdev_create_sysfs_files',
                    note: '§1.5 step 7: remove, devices/<uuid>, mdev_type (order UNVERIFIED verbatim)',
                    unverified:
                      'the creation order remove → devices link → mdev_type link is reconstructed (§1.5 step 7)',
                  },
                },
              },
            },
            undoingCreate: {
              description:
                'The sysfs files could not be created: the vendor remove undoes the vendor create.',
              on: {
                'vendor.exit': {
                  guard: { type: 'isCallback', params: { cb: 'remove' } },
                  target: 'createFailed',
                  meta: { kernel: 'parent_ops->remove', note: 'its result is ignored' },
                },
              },
            },
            createFailed: {
              description:
                'Vendor create failed: device_unregister follows (it may block if the device was opened).',
              on: {
                'mdev.teardown.begin': {
                  guard: { type: 'teardownBy', params: { by: 'create-error' } },
                  target: REMOVING,
                  meta: { kernel: 'device_unregister', note: '§1.5 error paths' },
                },
              },
            },
          },
        },
        visible: {
          description:
            'Created and visible in sysfs, parent->lock released, but not yet on mdev_list (the device is visible before it is listed, §1.5 step 9).',
          on: {
            'mdev.active': {
              target: 'listed',
              actions: 'activate',
              meta: {
                kernel: 'mdev_device_create',
                note: '§1.5 step 9: list_add to mdev_list under mdev_list_lock',
              },
            },
          },
        },
        listed: {
          description: 'On mdev_list: a remove write or the parent unregistration can claim it.',
          on: {
            'mdev.remove.claim': {
              target: 'claimed',
              actions: ['deactivate', 'dropRemoveFile'],
              meta: {
                kernel: 'mdev_device_remove',
                note: '§1.6, C-1: list_del under mdev_list_lock; concurrent removers now get ENODEV',
              },
            },
          },
        },
        claimed: {
          description: 'Off mdev_list; the remover takes parent->lock and calls the vendor remove.',
          initial: 'awaitingParentLock',
          states: {
            awaitingParentLock: {
              description: 'Claimed; waiting for parent->lock (held by a create or another removal).',
              on: {
                'vendor.enter': {
                  guard: { type: 'isCallback', params: { cb: 'remove' } },
                  target: 'vendorRemoving',
                  meta: { kernel: 'mdev_device_remove_ops → parent_ops->remove' },
                },
              },
            },
            vendorRemoving: {
              description: 'Vendor remove running; it may refuse (e.g. KVMGT while the vGPU is in use).',
              on: {
                'vendor.exit': [
                  {
                    guard: { type: 'callbackSucceeded', params: { cb: 'remove' } },
                    target: 'vendorRemoved',
                    meta: { kernel: 'parent_ops->remove', returns: '0' },
                  },
                  {
                    guard: { type: 'callbackFailed', params: { cb: 'remove' } },
                    target: 'vendorRefused',
                    meta: { kernel: 'parent_ops->remove', note: 'the vendor refuses' },
                  },
                ],
              },
            },
            vendorRemoved: {
              description:
                'Vendor state freed while device fds may still be open (C-2/C-10: mtty ioctls on them now fail with ENODEV).',
              on: {
                'mdev.teardown.begin': {
                  target: REMOVING,
                  meta: { kernel: 'mdev_remove_sysfs_files + device_unregister', note: '§1.6' },
                },
              },
            },
            vendorRefused: {
              description:
                'The vendor refused: a user remove fails with EBUSY; the unregistration (force) ignores the error.',
              on: {
                'mdev.remove.refused': {
                  guard: { type: 'refusedWith', params: { errno: 'EBUSY' } },
                  target: LISTED,
                  actions: ['activate', 'createRemoveFile'],
                  meta: {
                    kernel: 'mdev_device_remove',
                    errno: 'EBUSY',
                    note: '§1.6, C-8: vendor errno masked to EBUSY; re-added to mdev_list; remove file re-created (C-3)',
                  },
                },
                'mdev.teardown.begin': {
                  guard: { type: 'teardownBy', params: { by: 'unregister' } },
                  target: REMOVING,
                  meta: {
                    kernel: 'mdev_unregister_device → mdev_device_remove(force)',
                    note: '§1.3 step 3: the error is ignored',
                  },
                },
              },
            },
          },
        },
        removing: {
          description:
            'Teardown under parent->lock: remove file and links removed, device_unregister → vfio_mdev remove (every create/remove on the parent blocks meanwhile).',
          initial: 'unregistering',
          states: {
            unregistering: {
              description: 'device_unregister running: the bus remove unbinds vfio_mdev (if bound).',
              entry: 'dropRemoveFile',
              on: {
                'vfio.unregister.begin': {
                  guard: 'vfioBound',
                  target: 'vfioUnregistering',
                  actions: { type: 'setVfio', params: { vfio: 'unregistering' } },
                  meta: { kernel: 'vfio_mdev remove → vfio_del_group_dev', note: '§1.8' },
                },
                'mdev.teardown.end': {
                  guard: 'vfioNotBound',
                  target: DELETED,
                  meta: { kernel: 'device_unregister', note: 'no driver was bound' },
                },
              },
            },
            vfioUnregistering: {
              description: 'vfio_del_group_dev dropped its reference; it waits if device fds are open.',
              on: {
                'vfio.unregister.wait': {
                  target: 'blockedOnRelease',
                  actions: { type: 'setVfio', params: { vfio: 'waiting' } },
                  meta: {
                    kernel: 'vfio_del_group_dev',
                    note: '§1.8: references remain (open fds, or an open in flight); no timeout',
                  },
                },
                'vfio.unregister.end': {
                  guard: 'noOpenFds',
                  target: 'unbound',
                  actions: { type: 'setVfio', params: { vfio: 'gone' } },
                  meta: { kernel: 'vfio_del_group_dev' },
                },
              },
            },
            blockedOnRelease: {
              description:
                'The remove write (or unregistration) sleeps in vfio_del_group_dev with parent->lock held until every device fd is closed.',
              on: {
                'vfio.unregister.end': {
                  guard: 'noOpenFds',
                  target: 'unbound',
                  actions: { type: 'setVfio', params: { vfio: 'gone' } },
                  meta: { kernel: 'vfio_del_group_dev', note: 'the last fd closed' },
                },
              },
            },
            unbound: {
              description: 'vfio_mdev removed; mdev_detach_iommu; device_unregister finishes.',
              on: {
                'mdev.teardown.end': {
                  target: DELETED,
                  meta: { kernel: 'device_unregister' },
                },
              },
            },
          },
        },
        deleted: {
          description: 'Unregistered from the driver core; the last put_device frees it.',
          on: {
            'mdev.release': {
              target: RELEASED,
              meta: { kernel: 'mdev_device_release', note: '§1.10: kfree(mdev) at the last put' },
            },
          },
        },
      },
    },
    released: {
      description: 'Terminal: the device is freed; the UUID can be created again under this parent.',
      on: {
        'mdev.remove.refused': {
          guard: { type: 'refusedWith', params: { errno: 'ENODEV' } },
          meta: {
            kernel: 'mdev_device_remove',
            errno: 'ENODEV',
            note: 'C-3: a writer that self-removed the remove file lost the claim; it returns (and re-creates the file) after the device is gone',
          },
        },
        'mdev.create.end': {
          guard: 'createFailed',
          actions: 'creatorReturned',
          meta: {
            kernel: 'create_store',
            note: 'the failed create returns the vendor errno after device_unregister',
          },
        },
      },
    },
  },
});
