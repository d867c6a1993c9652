/** Vendor driver callbacks the core calls (4.10 `parent_ops`, 6.1 `mdev_driver` + `vfio_device_ops`). */
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

/**
 * The kernel-level steps the implementation reports, by kind. Per-device events carry the device's name
 * (`uuid`) and its object serial (`dev`), which tells apart two devices with the same UUID (4.10 allows
 * them on different parents, C-4). The spec machines consume these (monitors),
 * and the invariants of `properties/` are checked over them.
 */
export interface TraceEvents {
  /** A user operation (system call) starts / returns. `op` is the scenario op name. */
  'syscall.enter': { op: string; args: readonly string[] };
  'syscall.exit': { op: string; args: readonly string[]; ret: number };
  /** mdev_register_parent / mdev_register_device returned. */
  'parent.register': { parent: string; ret: number };
  /** mdev_unregister_parent / mdev_unregister_device entered and returned. */
  'parent.unregister.begin': { parent: string };
  'parent.unregister.end': { parent: string };
  /** create: the GUID is reserved on mdev_list (6.1, 4.18+: before anything is visible). */
  'mdev.reserve': { uuid: string; dev: number; parent: string; type: string };
  /** create: device_add/device_register made the device visible in sysfs (4.10: and probed by vfio_mdev). */
  'mdev.device_add': { uuid: string; dev: number; parent: string; type: string };
  /** create: the type's devices/<uuid> and <uuid>/mdev_type links (and 4.10: the remove file) exist. */
  'mdev.links': { uuid: string; dev: number };
  /** create: 6.1 `mdev->active = true`; 4.10 (99e3123e): the device was added to mdev_list. */
  'mdev.active': { uuid: string; dev: number };
  /** create returned (`ret` 0 or -errno). */
  'mdev.create.end': { uuid: string; parent: string; type: string; ret: number };
  /** remove: this remover claimed the device (6.1: active cleared; 4.10: taken off mdev_list). */
  'mdev.remove.claim': { uuid: string; dev: number };
  /** remove: the claim was refused (ENODEV, EAGAIN) or a 4.10 vendor remove refused (EBUSY). */
  'mdev.remove.refused': { uuid: string; dev: number; errno: number };
  /** remove (user or parent unregistration): teardown of the device begins / ends. */
  'mdev.teardown.begin': { uuid: string; dev: number; by: 'user' | 'unregister' | 'create-error' };
  'mdev.teardown.end': { uuid: string; dev: number };
  /** The final put_device: GUID freed from mdev_list, core-counted instance given back. */
  'mdev.release': { uuid: string; dev: number };
  /** A vendor callback is entered / returns. */
  'vendor.enter': { cb: VendorCallback; parent: string; uuid?: string; dev?: number };
  'vendor.exit': { cb: VendorCallback; parent: string; uuid?: string; dev?: number; ret: number };
  /** Per-device vendor state: allocated, freed, or used by a callback (use after free is a bug). */
  'vendor.state': { uuid: string; parent: string; what: 'alloc' | 'free' | 'use' };
  /** A VFIO device was registered with (or removed from) its group. */
  'vfio.register': { uuid: string; dev: number; group: number };
  'vfio.unregister.begin': { uuid: string; dev: number };
  /** vfio_unregister_group_dev / vfio_del_group_dev sleeps until the device fds are closed. */
  'vfio.unregister.wait': { uuid: string; dev: number; openFds: number };
  'vfio.unregister.end': { uuid: string; dev: number };
  /** A device fd was opened (GET_DEVICE_FD) or closed (last reference of the file). */
  'vfio.fd.open': { uuid: string; dev: number; openCount: number };
  'vfio.fd.close': { uuid: string; dev: number; openCount: number };
  /** A module finished loading or unloading (ret 0 or -errno). */
  'module.load': { module: string; ret: number };
  'module.unload': { module: string; ret: number };
}

/** Kinds of trace events. */
export type TraceKind = keyof TraceEvents;

/** One trace event: its kind, its fields, the task that emitted it and a global sequence number. */
export type TraceEvent = {
  [K in TraceKind]: { readonly seq: number; readonly task: number; readonly kind: K } & TraceEvents[K];
}[TraceKind];

/** A trace listener. */
export type TraceListener = (event: TraceEvent) => void;

/**
 * The typed trace of kernel-level steps. Emission sites check `on` first, so tracing costs one property
 * read when nobody listens.
 */
export class Tracer {
  private listeners: TraceListener[] = [];
  private seq = 0;
  /** True when at least one listener is attached. */
  on = false;

  /** Attaches a listener; returns a function that detaches it. */
  listen(listener: TraceListener): () => void {
    this.listeners.push(listener);
    this.on = true;
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
      this.on = this.listeners.length > 0;
    };
  }

  /** Emits an event of `kind` from task `task` (0 for none). Call only when `on` is true. */
  emit<K extends TraceKind>(task: number, kind: K, fields: TraceEvents[K]): void {
    const event = { seq: this.seq++, task, kind, ...fields } as TraceEvent;
    for (const l of this.listeners) l(event);
  }
}
