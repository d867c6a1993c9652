import type { AnyStateMachine } from 'xstate';
import { createIommuBackendMachine } from '../../machines/iommu_backend.ts';
import { createMdevDeviceMachine } from '../../machines/mdev_device.ts';
import { createParentMachine } from '../../machines/parent.ts';
import type { KernelProfile } from '../../machines/profile.ts';
import { createSystemMachine } from '../../machines/system.ts';
import {
  createTypeAccountingMachine,
  SAMPLE_VENDORS,
  type SampleVendor,
} from '../../machines/type_accounting.ts';
import { createVfioAttachmentMachine } from '../../machines/vfio_attachment.ts';

/** One spec machine as tools list and render it. */
export interface MachineEntry {
  /** Stable name: the CLI argument and the file stem of its diagrams (`<id>.<profile>.mmd`). */
  readonly id: string;
  /** A short human title. */
  readonly title: string;
  /** What the machine specifies, in one or two sentences (with the kernel-semantics.md sections). */
  readonly description: string;
  /** The machine for `profile` (machines that take `input` need it only to run, not to be rendered). */
  readonly create: (profile: KernelProfile) => AnyStateMachine;
}

const VENDOR_TITLES: Readonly<Record<SampleVendor, string>> = {
  mtty: 'mtty ports (24; types cost 1 and 2)',
  mdpy: 'mdpy instances (max 4, shared by its three types)',
  mbochs: 'mbochs video memory (256 MB; types of 4, 16 and 64 MB)',
};

function typeAccountingEntry(vendor: SampleVendor): MachineEntry {
  return {
    id: `type_accounting_${vendor}`,
    title: `Type accounting: ${VENDOR_TITLES[vendor]}`,
    description: `available_instances per type of the ${vendor} sample parent and the create refusal when its pool is exhausted (§2.4, §2.7, §4, C-11, C-12).`,
    create: (profile) => createTypeAccountingMachine({ profile, vendor }),
  };
}

/**
 * Every spec machine, in the stable order in which diagrams and reviews list them. Further machines
 * (the system and atomic-view machines) are added by appending an entry here.
 */
export const MACHINE_REGISTRY: readonly MachineEntry[] = [
  {
    id: 'parent',
    title: 'Parent registration lifecycle',
    description:
      'mdev_register_device / mdev_register_parent checks, unregistration that force-removes children and waits for their open device fds, and the module-unload consequence of an open fd (§1.2, §1.3, §2.3, §6.1).',
    create: (profile) => createParentMachine({ profile }),
  },
  ...SAMPLE_VENDORS.map(typeAccountingEntry),
  {
    id: 'mdev_device',
    title: 'One mdev device: create, open, close, remove',
    description:
      'The fine-grained lifecycle of one mediated device with every intermediate state concurrency can observe; its events are the per-device kernel trace kinds (§1.5–§1.8, §2.4–§2.6, §6.3–§6.5, §7).',
    create: (profile) => createMdevDeviceMachine({ profile }),
  },
  {
    id: 'vfio_attachment',
    title: 'VFIO group and container protocol',
    description:
      'One group fd and one container: open, GET_STATUS, SET_CONTAINER, SET_IOMMU, GET_DEVICE_FD ordering, UNSET_CONTAINER, and the group after its mdev is removed (§3.1, §2.6, §6.5).',
    create: (profile) => createVfioAttachmentMachine({ profile }),
  },
  {
    id: 'iommu_backend',
    title: 'Kconfig-gated IOMMU backend selection',
    description:
      'Which VFIO IOMMU backends an arch and .config build (v4.10 seed Kconfig, v6.1 Kconfig), then what CHECK_EXTENSION and SET_IOMMU answer for mdev and noiommu groups (§3.1–§3.3).',
    create: (profile) => createIommuBackendMachine({ profile }),
  },
  {
    id: 'system',
    title: 'The system: parents × types × device slots',
    description:
      'The composition a test drives: module regions (load/unload and their refusals) and device-slot regions (create, remove, a holder process attaching the device through VFIO, its exit), each transition saying what the call returns; here mtty with 2 slots (mdevspec paths takes --parents/--slots) (§1–§4, §6).',
    create: (profile) => createSystemMachine({ profile, parents: [{ name: 'mtty' }], slots: 2 }),
  },
];

/** The registry entry called `id`, or undefined. */
export function findMachine(id: string): MachineEntry | undefined {
  return MACHINE_REGISTRY.find((m) => m.id === id);
}
