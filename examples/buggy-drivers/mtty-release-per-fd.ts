/**
 * A deliberately faulty mtty for 4.10, written as if the core called `open` on the first device fd and
 * `release` on the last one. At 4.10 it does neither: `vfio_mdev` calls the parent's `open` and `release`
 * for every device fd (per-fd semantics until C-13, "vfio: Provide better generic support for
 * open/release vfio_device_ops", 2fd585f4ed9d, v5.15). The driver sets up its I/O emulation on the first
 * open and tears it down in `release`: a user with two device fds who closes one leaves the other pointing
 * at freed emulation state (use after free). Correct 4.10 drivers counted opens themselves.
 */
import {
  type Device,
  defineVendorDriver,
  EINVAL,
  EmulatedPci,
  ENODEV,
  type Kernel,
  type MdevDevice,
  type MdevParentOps,
  type MdevType,
  type MdevTypeGroup,
  type ModuleDef,
  Mutex,
  registerSample410,
  sampleParents,
  unregisterSample410,
  VendorState,
} from 'mdevspec/driver';

const MAX_PORTS = 24;

/** The device's emulated serial I/O, set up on open. */
class SerialIo extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x4348, device: 0x3253, numRegions: 9, configSize: 0xff });
}

class PortState extends VendorState {
  io: SerialIo | null = null;
  constructor(
    uuid: string,
    readonly nrPorts: number,
  ) {
    super(uuid, 'mtty');
  }
}

function module(): ModuleDef {
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;
  let parentDev: Device | null = null;
  let usedPorts = 0;
  let lock: Mutex | null = null;
  const state = (mdev: MdevDevice) => mdev.vendorData as PortState | null | undefined;
  const portsOf = (type: MdevType) => (type.dirName.endsWith('-2') ? 2 : 1);

  const typeGroup = (name: string, pretty: string): MdevTypeGroup => ({
    name,
    attrs: {
      name: async () => `${pretty}\n`,
      available_instances: async (_task, type) => `${Math.trunc((MAX_PORTS - usedPorts) / portsOf(type))}\n`,
      device_api: async () => 'vfio-pci\n',
    },
  });

  const ops: MdevParentOps = {
    owner: 'mtty',
    supportedTypeGroups: [typeGroup('1', 'Single port serial'), typeGroup('2', 'Dual port serial')],
    create: async (task, type, mdev) => {
      await lock!.lock(task);
      usedPorts += portsOf(type);
      lock!.unlock(task);
      mdev.vendorData = new PortState(mdev.uuid, portsOf(type)).allocated(k(), task);
      return 0;
    },
    remove: async (task, mdev) => {
      const s = state(mdev);
      if (!s) return -EINVAL;
      await lock!.lock(task);
      usedPorts -= s.nrPorts;
      lock!.unlock(task);
      mdev.vendorData = null;
      s.free(k(), task);
      return 0;
    },
    open: async (task, mdev) => {
      const s = state(mdev);
      if (!s) return -ENODEV;
      // "first open": set up the emulation once.
      s.io ??= new SerialIo(mdev.uuid, 'mtty').allocated(k(), task);
      return 0;
    },
    release: async (task, mdev) => {
      const s = state(mdev);
      // BUG: release runs for EVERY device fd at 4.10, not only the last one; the others keep using `io`.
      s?.io?.free(k(), task);
    },
    read: async (task, mdev, count, offset) => {
      const io = state(mdev)?.io;
      if (!io) return -EINVAL;
      return io.use(k(), task, 'read') ? io.pci.read(count, offset) : -EINVAL;
    },
    write: async (task, mdev, data, offset) => {
      const io = state(mdev)?.io;
      if (!io) return -EINVAL;
      return io.use(k(), task, 'write') ? io.pci.write(data, offset) : -EINVAL;
    },
    ioctl: async (task, mdev, cmd, arg) => {
      const io = state(mdev)?.io;
      if (!io) return -ENODEV;
      return io.use(k(), task, 'ioctl') ? io.pci.ioctl(cmd, arg) : -ENODEV;
    },
  };

  return {
    name: 'mtty',
    deps: ['vfio', 'mdev'],
    params: {},
    async init(kern, task) {
      kernel = kern;
      usedPorts = 0;
      lock = new Mutex(kern.rt, 'mtty ports lock');
      const dev = await registerSample410(kern, task, 'mtty', ops, () => {});
      if (typeof dev === 'number') return dev;
      parentDev = dev;
      return 0;
    },
    async exit(kern, task) {
      if (parentDev) await unregisterSample410(kern, task, parentDev);
      parentDev = null;
    },
  };
}

export default defineVendorDriver({
  name: 'mtty-release-per-fd',
  description: 'a 4.10 mtty that tears down its emulation in release, which 4.10 calls for every device fd',
  kernel: 'v4.10',
  module: 'mtty',
  create: module,
  accounting: sampleParents('v4.10').mtty!,
  plantedBug: 'release frees the I/O emulation on every fd close, though other device fds still use it',
});
