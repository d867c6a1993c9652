/**
 * The events of the mdev device machine: exactly the per-device kernel trace kinds of the implementation
 * (`src/kernel/trace.ts`), so a monitor can feed one device's trace straight in. XState needs the kind
 * in `type`, so the trace's `kind` becomes `type` and the trace's mdev type name (`type`) becomes
 * `mdevType`; {@link fromTraceRecord} does that renaming. The machines may not import `src/`, so the
 * shapes are restated here.
 */

/** Vendor driver callbacks (4.10 `parent_ops` through vfio_mdev, 6.1 `mdev_driver` + `vfio_device_ops`). */
export type VendorCallback =
  | 'create'
  | 'remove'
  | 'probe'
  | 'init'
  | 'release'
  | 'open'
  | 'open_device'
  | 'close_device'
  | 'read'
  | 'write'
  | 'ioctl'
  | 'mmap'
  | 'get_available'
  | 'show';

/** Who tears a device down: a user `remove` write, the parent's unregistration, or a failed create. */
export type TeardownCause = 'user' | 'unregister' | 'create-error';

/** One device's trace events, as the mdev device machine consumes them. */
export type MdevDeviceEvent =
  /** 6.1: the GUID is reserved on mdev_list (before anything is visible). */
  | {
      readonly type: 'mdev.reserve';
      readonly uuid: string;
      readonly parent: string;
      readonly mdevType: string;
    }
  /** device_add (6.1) / device_register (4.10, which also probed vfio_mdev) made the device visible. */
  | {
      readonly type: 'mdev.device_add';
      readonly uuid: string;
      readonly parent: string;
      readonly mdevType: string;
    }
  /** The type's devices/<uuid> and <uuid>/mdev_type links (4.10: and the remove file) exist. */
  | { readonly type: 'mdev.links'; readonly uuid: string }
  /** 6.1 `mdev->active = true`; 4.10 (99e3123e) the device went onto mdev_list. */
  | { readonly type: 'mdev.active'; readonly uuid: string }
  /** The create write's `mdev_device_create` returned (`ret` 0 or −errno). */
  | {
      readonly type: 'mdev.create.end';
      readonly uuid: string;
      readonly parent: string;
      readonly mdevType: string;
      readonly ret: number;
    }
  /** A remover claimed the device (6.1: active cleared; 4.10: taken off mdev_list). */
  | { readonly type: 'mdev.remove.claim'; readonly uuid: string }
  /** A remove was refused (positive errno: ENODEV 19, EAGAIN 11, EBUSY 16). */
  | { readonly type: 'mdev.remove.refused'; readonly uuid: string; readonly errno: number }
  /** Teardown of the device begins / ends. */
  | { readonly type: 'mdev.teardown.begin'; readonly uuid: string; readonly by: TeardownCause }
  | { readonly type: 'mdev.teardown.end'; readonly uuid: string }
  /** The final put_device: GUID freed from mdev_list, a core-counted instance given back. */
  | { readonly type: 'mdev.release'; readonly uuid: string }
  /** A vendor callback on the device is entered / returns. */
  | {
      readonly type: 'vendor.enter';
      readonly cb: VendorCallback;
      readonly parent: string;
      readonly uuid?: string;
    }
  | {
      readonly type: 'vendor.exit';
      readonly cb: VendorCallback;
      readonly parent: string;
      readonly uuid?: string;
      readonly ret: number;
    }
  /** The VFIO device was registered with its group (/dev/vfio/N exists and GET_DEVICE_FD can find it). */
  | { readonly type: 'vfio.register'; readonly uuid: string; readonly group: number }
  /** vfio_unregister_group_dev / vfio_del_group_dev: begins, sleeps for open fds, returns. */
  | { readonly type: 'vfio.unregister.begin'; readonly uuid: string }
  | { readonly type: 'vfio.unregister.wait'; readonly uuid: string; readonly openFds: number }
  | { readonly type: 'vfio.unregister.end'; readonly uuid: string }
  /** A device fd was opened / closed; `openCount` is the device's open count after the change. */
  | { readonly type: 'vfio.fd.open'; readonly uuid: string; readonly openCount: number }
  | { readonly type: 'vfio.fd.close'; readonly uuid: string; readonly openCount: number };

/** The `type` of an mdev device event. */
export type MdevDeviceEventType = MdevDeviceEvent['type'];

/** Every event type of the mdev device machine, in trace order of a device's life. */
export const MDEV_DEVICE_EVENT_TYPES: readonly MdevDeviceEventType[] = [
  'mdev.reserve',
  'vfio.register',
  'mdev.device_add',
  'vendor.enter',
  'vendor.exit',
  'mdev.links',
  'mdev.active',
  'mdev.create.end',
  'vfio.fd.open',
  'vfio.fd.close',
  'mdev.remove.claim',
  'mdev.remove.refused',
  'mdev.teardown.begin',
  'vfio.unregister.begin',
  'vfio.unregister.wait',
  'vfio.unregister.end',
  'mdev.teardown.end',
  'mdev.release',
];

/**
 * Converts one trace record (`{ kind, ...fields }`, the shape `src/kernel/trace.ts` emits) into the
 * machine's event, or `null` when its kind is not a per-device kind (syscalls, parents, modules,
 * `vendor.state`). The record's `type` field (the mdev type's name) becomes `mdevType`.
 */
export function fromTraceRecord(record: {
  readonly kind: string;
  readonly [field: string]: unknown;
}): MdevDeviceEvent | null {
  const { kind, type, seq: _seq, task: _task, ...fields } = record;
  if (!(MDEV_DEVICE_EVENT_TYPES as readonly string[]).includes(kind)) return null;
  return { ...fields, ...(type === undefined ? {} : { mdevType: type }), type: kind } as MdevDeviceEvent;
}
