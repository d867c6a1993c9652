import type { KernelProfile } from '../../machines/profile.ts';
import type { ProfileSwitches } from './switches.ts';

/** A kernel the model can behave as: a name, the kernel it stands for, and its switch table. */
export interface Profile {
  readonly name: string;
  /** Which kernel: the seed's design (v4.10) or Debian bookworm's (v6.1). Sample drivers follow it. */
  readonly kernel: KernelProfile;
  readonly description: string;
  readonly switches: ProfileSwitches;
}

/**
 * v4.10: the seed's design (commit 7b96953bc640 plus the Dec-2016 follow-ups up to 99e3123e3d72, the best
 * estimate of v4.10 final, kernel-semantics.md §1).
 */
export const V4_10: Profile = {
  name: 'v4.10',
  kernel: 'v4.10',
  description:
    'Linux 4.10: the original mdev design (7b96953bc640 + "Fix remove race", state of 99e3123e3d72)',
  switches: {
    driverInterface: 'parent_ops',
    perParentLock: true,
    removeClaimOnMdevList: true,
    globalUuidReservation: false,
    activeFlag: false,
    visibleBeforeVendorCreate: true,
    removeFileCreation: 'before-links',
    vendorRemoveBeforeUnregister: true,
    vendorRemoveCanFail: true,
    vendorRemoveErrnoMasked: true,
    recreateRemoveFileOnFailure: true,
    unregSem: false,
    childRemovalAbortsOnError: true,
    duplicateParentPutsExisting: true,
    coreInstanceCounting: false,
    openCloseCounting: false,
    getDeviceFdLookupFirst: false,
    groupFdDisassociates: false,
  },
};

/** v6.1: Debian bookworm's kernel (6.1.192), verified against its source (kernel-semantics.md §2). */
export const V6_1: Profile = {
  name: 'v6.1',
  kernel: 'v6.1',
  description:
    'Linux 6.1 (Debian bookworm 6.1.192): mdev_driver parents, unreg_sem, active flag, core counting',
  switches: {
    driverInterface: 'mdev_driver',
    perParentLock: false,
    removeClaimOnMdevList: false,
    globalUuidReservation: true,
    activeFlag: true,
    visibleBeforeVendorCreate: false,
    removeFileCreation: 'device-groups',
    vendorRemoveBeforeUnregister: false,
    vendorRemoveCanFail: false,
    vendorRemoveErrnoMasked: false,
    recreateRemoveFileOnFailure: false,
    unregSem: true,
    childRemovalAbortsOnError: false,
    duplicateParentPutsExisting: false,
    coreInstanceCounting: true,
    openCloseCounting: true,
    getDeviceFdLookupFirst: true,
    groupFdDisassociates: true,
  },
};

/** The named profiles. */
export const PROFILES: Readonly<Record<string, Profile>> = { 'v4.10': V4_10, 'v6.1': V6_1 };

/** The profile called `name`, or undefined. */
export function findProfile(name: string): Profile | undefined {
  return PROFILES[name];
}

/**
 * A profile derived from `base` with some switches changed: the finer profiles of the race catalogue
 * (e.g. v4.10 with "Synchronize device create/remove with parent removal" applied).
 */
export function withSwitches(base: Profile, name: string, changes: Partial<ProfileSwitches>): Profile {
  return {
    ...base,
    name,
    description: `${base.description}; ${name}`,
    switches: { ...base.switches, ...changes },
  };
}
