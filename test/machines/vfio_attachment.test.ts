import { describe, expect, it } from 'vitest';
import { KERNEL_PROFILES, type KernelProfile } from '../../machines/profile.ts';
import {
  type ContainerFdKind,
  createVfioAttachmentMachine,
  VFIO_IOMMU_TYPE,
  type VfioAttachmentContext,
  type VfioAttachmentEvent,
  type VfioAttachmentInput,
} from '../../machines/vfio_attachment.ts';
import { drive, errnoOf } from './drive.ts';
import { coverageGaps, explore } from './explore.ts';

const FD_KINDS: readonly ContainerFdKind[] = ['container', 'badFd', 'notContainer', 'negative'];
const EVENTS: readonly VfioAttachmentEvent[] = [
  ...[true, false].flatMap((capSysRawio): VfioAttachmentEvent[] => [
    { type: 'OPEN_GROUP', capSysRawio },
    ...FD_KINDS.map((fd): VfioAttachmentEvent => ({ type: 'SET_CONTAINER', fd, capSysRawio })),
    { type: 'GET_DEVICE_FD', nameMatches: true, capSysRawio },
    { type: 'GET_DEVICE_FD', nameMatches: false, capSysRawio },
  ]),
  { type: 'CLOSE_GROUP' },
  { type: 'GET_STATUS' },
  { type: 'UNSET_CONTAINER' },
  { type: 'SET_IOMMU', iommuType: VFIO_IOMMU_TYPE.TYPE1v2 },
  { type: 'SET_IOMMU', iommuType: VFIO_IOMMU_TYPE.SPAPR_TCE },
  { type: 'CLOSE_DEVICE_FD' },
  { type: 'DEVICE_REMOVED' },
];
const INPUTS: readonly VfioAttachmentInput[] = [{}, { group: 'noiommu' }];

/** An event; the calls that check CAP_SYS_RAWIO are made with it unless `extra` says otherwise. */
const e = <T extends VfioAttachmentEvent['type']>(type: T, extra: object = {}) =>
  ({ type, capSysRawio: true, ...extra }) as VfioAttachmentEvent;

/** Sends the events and returns each step's errno (null for success). */
function run(profile: KernelProfile, events: readonly VfioAttachmentEvent[], input?: VfioAttachmentInput) {
  const d = drive(createVfioAttachmentMachine({ profile }), input);
  return { d, errnos: events.map((x) => errnoOf(d.send(x))) };
}

const SETUP: readonly VfioAttachmentEvent[] = [
  e('OPEN_GROUP'),
  e('SET_CONTAINER', { fd: 'container' }),
  e('SET_IOMMU', { iommuType: VFIO_IOMMU_TYPE.TYPE1v2 }),
];

describe('VFIO attachment machine', () => {
  for (const profile of KERNEL_PROFILES) {
    it(`${profile}: every transition is taken and every guard both passes and refuses`, () => {
      const machine = createVfioAttachmentMachine({ profile });
      const exploration = explore(machine, {
        inputs: INPUTS,
        events: () => EVENTS,
        prune: (s) => (s.context as VfioAttachmentContext).deviceFds > 2,
        maxStates: 2000,
      });
      expect(coverageGaps(machine, exploration)).toEqual([]);
    });

    it(`${profile}: the oracle's full protocol opens a device; a second group open is EBUSY`, () => {
      const { d, errnos } = run(profile, [
        ...SETUP,
        e('GET_DEVICE_FD', { nameMatches: true }),
        e('OPEN_GROUP'),
      ]);
      expect(errnos).toEqual([null, null, null, null, 'EBUSY']);
      expect(d.context.deviceFds).toBe(1);
    });

    it(`${profile}: SET_IOMMU without a group, twice, or of an unsupported type (§3.1, §6.5)`, () => {
      expect(run(profile, [e('SET_IOMMU', { iommuType: 3 })]).errnos).toEqual(['EINVAL']);
      expect(run(profile, [...SETUP, e('SET_IOMMU', { iommuType: 3 })]).errnos.at(-1)).toBe('EINVAL');
      expect(run(profile, [...SETUP.slice(0, 2), e('SET_IOMMU', { iommuType: 2 })]).errnos.at(-1)).toBe(
        'ENODEV',
      );
      expect(
        run(profile, [...SETUP.slice(0, 2), e('SET_IOMMU', { iommuType: 1 })], { iommuTypes: [] }).errnos.at(
          -1,
        ),
      ).toBe('ENODEV');
    });

    it(`${profile}: SET_CONTAINER checks (already set, negative fd, bad fd, not a container)`, () => {
      const open = [e('OPEN_GROUP')];
      expect(run(profile, [...open, e('SET_CONTAINER', { fd: 'negative' })]).errnos[1]).toBe('EINVAL');
      expect(run(profile, [...open, e('SET_CONTAINER', { fd: 'badFd' })]).errnos[1]).toBe('EBADF');
      expect(run(profile, [...open, e('SET_CONTAINER', { fd: 'notContainer' })]).errnos[1]).toBe('EINVAL');
      expect(run(profile, [...SETUP.slice(0, 2), e('SET_CONTAINER', { fd: 'container' })]).errnos[2]).toBe(
        'EINVAL',
      );
    });

    it(`${profile}: UNSET_CONTAINER: none set EINVAL, device fds open EBUSY, then the IOMMU is gone`, () => {
      const { d, errnos } = run(profile, [
        e('OPEN_GROUP'),
        e('UNSET_CONTAINER'),
        ...SETUP.slice(1),
        e('GET_DEVICE_FD', { nameMatches: true }),
        e('UNSET_CONTAINER'),
        e('CLOSE_DEVICE_FD'),
        e('UNSET_CONTAINER'),
        e('SET_CONTAINER', { fd: 'container' }),
        e('GET_DEVICE_FD', { nameMatches: true }),
      ]);
      expect(errnos).toEqual([null, 'EINVAL', null, null, null, 'EBUSY', null, null, null, 'EINVAL']);
      expect(d.value).toEqual({ groupOpen: 'containerSet' });
    });

    it(`${profile}: noiommu groups need CAP_SYS_RAWIO (§3.2)`, () => {
      const noiommu = { group: 'noiommu' } as const;
      expect(run(profile, [e('OPEN_GROUP', { capSysRawio: false })], noiommu).errnos).toEqual(['EPERM']);
      expect(run(profile, [e('OPEN_GROUP', { capSysRawio: false })]).errnos).toEqual([null]);
      const passedOn = run(
        profile,
        [
          e('OPEN_GROUP'),
          e('SET_CONTAINER', { fd: 'container', capSysRawio: false }),
          e('SET_CONTAINER', { fd: 'container' }),
          e('SET_IOMMU', { iommuType: VFIO_IOMMU_TYPE.NOIOMMU }),
          e('GET_DEVICE_FD', { nameMatches: true, capSysRawio: false }),
          e('GET_DEVICE_FD', { nameMatches: true }),
        ],
        { ...noiommu, iommuTypes: [VFIO_IOMMU_TYPE.NOIOMMU] },
      );
      expect(passedOn.errnos).toEqual([null, 'EPERM', null, null, 'EPERM', null]);
    });

    it(`${profile}: closing the group fd with device fds open keeps the group busy until the last one closes`, () => {
      const { d, errnos } = run(profile, [
        ...SETUP,
        e('GET_DEVICE_FD', { nameMatches: true }),
        e('GET_DEVICE_FD', { nameMatches: true }),
        e('CLOSE_GROUP'),
        e('OPEN_GROUP'),
        e('CLOSE_DEVICE_FD'),
        e('CLOSE_DEVICE_FD'),
        e('OPEN_GROUP'),
      ]);
      expect(errnos.slice(6)).toEqual(['EBUSY', null, null, null]);
      expect(d.value).toEqual({ groupOpen: 'noContainer' });
    });
  }

  it('GET_DEVICE_FD ordering: 4.10 checks container/IOMMU first (EINVAL), 6.1 the name first (ENODEV) (§3.1)', () => {
    const wrongNameEarly = [e('OPEN_GROUP'), e('GET_DEVICE_FD', { nameMatches: false })];
    expect(run('v4.10', wrongNameEarly).errnos[1]).toBe('EINVAL');
    expect(run('v6.1', wrongNameEarly).errnos[1]).toBe('ENODEV');
    const rightNameEarly = [e('OPEN_GROUP'), e('GET_DEVICE_FD', { nameMatches: true })];
    expect(run('v4.10', rightNameEarly).errnos[1]).toBe('EINVAL');
    expect(run('v6.1', rightNameEarly).errnos[1]).toBe('EINVAL');
    for (const profile of KERNEL_PROFILES) {
      expect(run(profile, [...SETUP, e('GET_DEVICE_FD', { nameMatches: false })]).errnos[3]).toBe('ENODEV');
    }
  });

  it('6.1: after its mdev is removed the open group is stale: /dev/vfio/N gone, ioctls ENODEV (§2.6, §6.5)', () => {
    const { d, errnos } = run('v6.1', [
      ...SETUP,
      e('DEVICE_REMOVED'),
      e('GET_STATUS'),
      e('SET_CONTAINER', { fd: 'container' }),
      e('GET_DEVICE_FD', { nameMatches: true }),
      e('UNSET_CONTAINER'),
      e('CLOSE_GROUP'),
      e('OPEN_GROUP'),
    ]);
    expect(errnos.slice(3)).toEqual([null, 'ENODEV', 'ENODEV', 'ENODEV', 'EINVAL', null, 'ENODEV']);
    expect(d.value).toBe('gone');
    const racing = run('v6.1', [...SETUP, e('DEVICE_REMOVED'), e('OPEN_GROUP')]);
    expect(racing.errnos.at(-1)).toBe('ENODEV');
    expect(racing.d.value).toBe('stale');
  });

  it('the order of the checks: a noiommu open without CAP_SYS_RAWIO is EPERM even when the group is held; 6.1 GET_DEVICE_FD of a wrong name is ENODEV before EPERM, 4.10 EPERM before ENODEV', () => {
    const noiommu = { group: 'noiommu' as const, iommuTypes: [VFIO_IOMMU_TYPE.NOIOMMU] };
    const setup = [
      e('OPEN_GROUP'),
      e('SET_CONTAINER', { fd: 'container' }),
      e('SET_IOMMU', { iommuType: 8 }),
    ];
    for (const profile of KERNEL_PROFILES) {
      expect(run(profile, [...setup, e('OPEN_GROUP', { capSysRawio: false })], noiommu).errnos.at(-1)).toBe(
        'EPERM',
      );
      expect(run(profile, [...setup, e('OPEN_GROUP')], noiommu).errnos.at(-1)).toBe('EBUSY');
    }
    const wrongNameUnprivileged = [...setup, e('GET_DEVICE_FD', { nameMatches: false, capSysRawio: false })];
    expect(run('v4.10', wrongNameUnprivileged, noiommu).errnos.at(-1)).toBe('EPERM');
    expect(run('v6.1', wrongNameUnprivileged, noiommu).errnos.at(-1)).toBe('ENODEV');
  });

  it('4.10: after its mdev is removed the group stays; GET_DEVICE_FD notices only after the container checks', () => {
    const { d, errnos } = run('v4.10', [
      e('OPEN_GROUP'),
      e('DEVICE_REMOVED'),
      e('GET_STATUS'),
      e('GET_DEVICE_FD', { nameMatches: true }),
      e('SET_CONTAINER', { fd: 'container' }),
      e('SET_IOMMU', { iommuType: 3 }),
      e('GET_DEVICE_FD', { nameMatches: true }),
      e('CLOSE_GROUP'),
      e('OPEN_GROUP'),
    ]);
    expect(errnos).toEqual([null, null, null, 'EINVAL', null, null, 'ENODEV', null, 'ENODEV']);
    expect(d.value).toBe('gone');
  });

  it('a removal waits for the device fds: DEVICE_REMOVED is not possible while one is open', () => {
    for (const profile of KERNEL_PROFILES) {
      const { d } = run(profile, [...SETUP, e('GET_DEVICE_FD', { nameMatches: true })]);
      expect(d.accepts(e('DEVICE_REMOVED'))).toBe(false);
    }
  });
});
