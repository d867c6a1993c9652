import { serializeSnapshot } from '@xstate/graph';
import { type AnyMachineSnapshot, type AnyStateMachine, type EventObject, initialTransition } from 'xstate';
import { ERRNO } from '../../../machines/errno.ts';
import type { VendorCallback } from '../../../machines/mdev_device_events.ts';
import { COMPLETE_PARENT_REGISTRATION } from '../../../machines/parent.ts';
import type { KernelProfile } from '../../../machines/profile.ts';
import { SAMPLE_PARENTS, type SampleVendor } from '../../../machines/type_accounting.ts';
import { VFIO_IOMMU_TYPE } from '../../../machines/vfio_attachment.ts';
import { findMachine } from '../../spec_tools/registry.ts';
import type { PathModel } from '../path_model.ts';

/** How far counters of the registry machines may grow (children, fds, groups). */
const COUNTER_BOUND = 2;

/** The alphabet of one registry machine: the events to try in a snapshot, with the bounds it keeps. */
interface Alphabet {
  readonly bounds: string;
  readonly input?: unknown;
  events(context: Readonly<Record<string, unknown>>, snapshot: AnyMachineSnapshot): readonly EventObject[];
}

const num = (context: Readonly<Record<string, unknown>>, field: string) => Number(context[field] ?? 0);

function parentAlphabet(profile: KernelProfile): Alphabet {
  const incomplete =
    profile === 'v4.10'
      ? { ...COMPLETE_PARENT_REGISTRATION, create: false }
      : { ...COMPLETE_PARENT_REGISTRATION, deviceApi: false };
  return {
    bounds: `at most ${COUNTER_BOUND} children and ${COUNTER_BOUND} open device fds; 4.10: at most ${COUNTER_BOUND} duplicate registrations (each C-6 put drops the kref)`,
    events: (c, snapshot) => [
      ...(c.kref === null || !snapshot.matches('registered') || num(c, 'kref') > 1 - COUNTER_BOUND
        ? [
            { type: 'REGISTER', registration: COMPLETE_PARENT_REGISTRATION },
            { type: 'REGISTER', registration: incomplete },
          ]
        : []),
      { type: 'UNREGISTER' },
      { type: 'UNLOAD_MODULE' },
      ...(num(c, 'children') < COUNTER_BOUND ? [{ type: 'CREATE_CHILD' }] : []),
      { type: 'REMOVE_CHILD' },
      ...(num(c, 'openFds') < COUNTER_BOUND ? [{ type: 'DEVICE_FD_OPEN' }] : []),
      { type: 'DEVICE_FD_CLOSE' },
    ],
  };
}

function accountingAlphabet(vendor: SampleVendor): Alphabet {
  const { types, capacity } = SAMPLE_PARENTS[vendor];
  return {
    bounds: `pool of ${capacity}; no create is tried once the pool is used up${vendor === 'mtty' ? ' (4.10 mtty, which never refuses, may overshoot by one instance)' : ''}`,
    events: (c) => [
      ...(num(c, 'used') <= capacity ? types.map((t) => ({ type: 'CREATE', mdevType: t.name })) : []),
      ...types.map((t) => ({ type: 'RELEASE', mdevType: t.name })),
    ],
  };
}

const CALLBACKS: readonly VendorCallback[] = [
  'create',
  'remove',
  'probe',
  'init',
  'release',
  'open',
  'open_device',
  'close_device',
  'read',
  'write',
  'ioctl',
  'mmap',
];

function deviceAlphabet(): Alphabet {
  const ids = { uuid: '00000000-0000-4000-8000-000000000001', parent: 'mtty', mdevType: 'mtty-1' };
  const errnos = Object.values(ERRNO);
  return {
    bounds: `one device; at most ${COUNTER_BOUND} open device fds; vendor callbacks return 0 or -ENOMEM`,
    events: (c) => [
      { type: 'mdev.reserve', ...ids },
      { type: 'vfio.register', uuid: ids.uuid, group: 0 },
      { type: 'mdev.device_add', ...ids },
      ...CALLBACKS.flatMap((cb) => [
        { type: 'vendor.enter', cb, parent: ids.parent, uuid: ids.uuid },
        { type: 'vendor.exit', cb, parent: ids.parent, uuid: ids.uuid, ret: 0 },
        { type: 'vendor.exit', cb, parent: ids.parent, uuid: ids.uuid, ret: -ERRNO.ENOMEM },
      ]),
      { type: 'mdev.links', uuid: ids.uuid },
      { type: 'mdev.active', uuid: ids.uuid },
      ...[0, ...errnos.map((e) => -e)].map((ret) => ({ type: 'mdev.create.end', ...ids, ret })),
      ...(num(c, 'openFds') < COUNTER_BOUND
        ? [{ type: 'vfio.fd.open', uuid: ids.uuid, openCount: num(c, 'openFds') + 1 }]
        : []),
      ...(num(c, 'openFds') > 0
        ? [{ type: 'vfio.fd.close', uuid: ids.uuid, openCount: num(c, 'openFds') - 1 }]
        : []),
      { type: 'mdev.remove.claim', uuid: ids.uuid },
      ...errnos.map((errno) => ({ type: 'mdev.remove.refused', uuid: ids.uuid, errno })),
      ...(['user', 'unregister', 'create-error'] as const).map((by) => ({
        type: 'mdev.teardown.begin',
        uuid: ids.uuid,
        by,
      })),
      { type: 'vfio.unregister.begin', uuid: ids.uuid },
      { type: 'vfio.unregister.wait', uuid: ids.uuid, openFds: Math.max(1, num(c, 'openFds')) },
      { type: 'vfio.unregister.end', uuid: ids.uuid },
      { type: 'mdev.teardown.end', uuid: ids.uuid },
      { type: 'mdev.release', uuid: ids.uuid },
    ],
  };
}

function attachmentAlphabet(): Alphabet {
  const fds = ['container', 'badFd', 'notContainer', 'negative'] as const;
  return {
    bounds: `an mdev group; at most ${COUNTER_BOUND} device fds`,
    events: (c) => [
      { type: 'OPEN_GROUP', capSysRawio: true },
      { type: 'CLOSE_GROUP' },
      { type: 'GET_STATUS' },
      ...fds.map((fd) => ({ type: 'SET_CONTAINER', fd, capSysRawio: true })),
      { type: 'UNSET_CONTAINER' },
      ...Object.values(VFIO_IOMMU_TYPE).map((iommuType) => ({ type: 'SET_IOMMU', iommuType })),
      ...(num(c, 'deviceFds') < COUNTER_BOUND
        ? [{ type: 'GET_DEVICE_FD', nameMatches: true, capSysRawio: true }]
        : []),
      { type: 'GET_DEVICE_FD', nameMatches: false, capSysRawio: true },
      { type: 'CLOSE_DEVICE_FD' },
      { type: 'DEVICE_REMOVED' },
    ],
  };
}

function backendAlphabet(): Alphabet {
  const extensions = [1, 2, 3, 6, 7, 8, 9, 10];
  return {
    bounds: `x86_64 with VFIO_NOIOMMU requested; at most ${COUNTER_BOUND} groups in the container`,
    input: { arch: 'x86_64', noiommu: true },
    events: (c) => [
      ...extensions.map((extension) => ({ type: 'CHECK_EXTENSION', extension })),
      ...extensions.flatMap((iommuType) => [
        { type: 'SET_IOMMU', iommuType, capSysRawio: true },
        { type: 'SET_IOMMU', iommuType, capSysRawio: false },
      ]),
      ...(num(c, 'groups') < COUNTER_BOUND
        ? [
            { type: 'ATTACH_GROUP', kind: 'emulated' },
            { type: 'ATTACH_GROUP', kind: 'noiommu' },
          ]
        : []),
      { type: 'DETACH_GROUP' },
      { type: 'SET_NOIOMMU_MODE', enabled: true },
      { type: 'SET_NOIOMMU_MODE', enabled: false },
    ],
  };
}

function alphabetOf(id: string, profile: KernelProfile): Alphabet | undefined {
  if (id === 'parent') return parentAlphabet(profile);
  if (id.startsWith('type_accounting_')) {
    const vendor = id.slice('type_accounting_'.length);
    return vendor in SAMPLE_PARENTS ? accountingAlphabet(vendor as SampleVendor) : undefined;
  }
  if (id === 'mdev_device') return deviceAlphabet();
  if (id === 'vfio_attachment') return attachmentAlphabet();
  if (id === 'iommu_backend') return backendAlphabet();
  return undefined;
}

/**
 * The path model of a machine of machines/registry.ts: its events with payloads (an alphabet per machine,
 * cut so that counters stay within {@link COUNTER_BOUND}), states identified by @xstate/graph's
 * `serializeSnapshot` (state value and context). Undefined for an unknown id.
 */
export function registryPathModel(id: string, profile: KernelProfile): PathModel | undefined {
  const entry = findMachine(id);
  const alphabet = alphabetOf(id, profile);
  if (!entry || !alphabet) return undefined;
  const machine: AnyStateMachine = entry.create(profile);
  const [initial] = initialTransition(machine, alphabet.input as never);
  return {
    id,
    machine,
    initial,
    bounds: alphabet.bounds,
    events: (snapshot: AnyMachineSnapshot) =>
      alphabet.events(snapshot.context as Readonly<Record<string, unknown>>, snapshot),
    key: (snapshot) => serializeSnapshot(snapshot),
  };
}
