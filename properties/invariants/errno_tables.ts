import type { SpecErrno, SpecOp, SpecVfioCall } from '../../machines/atomic_state.ts';
import type { KernelProfile } from '../../machines/profile.ts';
import type { Invariant } from '../invariant.ts';

type Table = Readonly<Record<Exclude<SpecOp['op'], 'vfio'> | `vfio ${SpecVfioCall}`, readonly SpecErrno[]>>;

/**
 * The errnos each user operation may return (kernel-semantics.md §6.3 create, §6.4 remove, §3.1 and §6.5
 * VFIO, module loader rules for insmod/rmmod), per profile. `open` is the whole VFIO open protocol; a VFIO
 * call made without the fd it needs is EBADF; ENOENT is a path that does not exist.
 */
const TABLES: Readonly<Record<KernelProfile, Table>> = {
  'v6.1': {
    load: ['EEXIST', 'ENOENT', 'EINVAL', 'ENOMEM', 'EBUSY'],
    unload: ['ENOENT', 'EAGAIN', 'EBUSY'],
    create: ['ENOENT', 'EINVAL', 'EEXIST', 'EUSERS', 'ENOSPC', 'ENODEV', 'EAGAIN', 'ENOMEM'],
    remove: ['ENOENT', 'EINVAL', 'EAGAIN', 'ENODEV'],
    open: ['ENOENT', 'EBUSY', 'EINVAL', 'ENODEV'],
    close: ['ENOENT'],
    available: ['ENOENT', 'ENODEV'],
    'vfio status': ['EBADF', 'ENODEV'],
    'vfio setc': ['EBADF', 'EINVAL', 'ENODEV'],
    'vfio unsetc': ['EBADF', 'EINVAL', 'EBUSY'],
    'vfio iommu': ['EBADF', 'EINVAL', 'ENODEV'],
    'vfio dev': ['EBADF', 'EINVAL', 'ENODEV'],
    'vfio cfg': ['EBADF'],
    'vfio closedev': ['EBADF'],
  },
  'v4.10': {
    load: ['EEXIST', 'ENOENT', 'EINVAL', 'ENOMEM', 'EBUSY'],
    unload: ['ENOENT', 'EAGAIN', 'EBUSY'],
    create: ['ENOENT', 'EINVAL', 'EEXIST', 'ENOMEM', 'ENOSPC', 'ENODEV'],
    remove: ['ENOENT', 'EINVAL', 'ENODEV', 'EBUSY'],
    open: ['ENOENT', 'EBUSY', 'EINVAL', 'ENODEV'],
    close: ['ENOENT'],
    available: ['ENOENT', 'ENODEV'],
    'vfio status': ['EBADF'],
    'vfio setc': ['EBADF', 'EINVAL'],
    'vfio unsetc': ['EBADF', 'EINVAL', 'EBUSY'],
    'vfio iommu': ['EBADF', 'EINVAL', 'ENODEV'],
    'vfio dev': ['EBADF', 'EINVAL', 'ENODEV'],
    'vfio cfg': ['EBADF', 'EINVAL', 'ENODEV'],
    'vfio closedev': ['EBADF'],
  },
};

/**
 * Every errno is one the kernel's tables allow for that operation (kernel-semantics.md §6.3, §6.4, §3.1,
 * §6.5; C-8 "vfio/mdev: Avoid masking error code to EBUSY"): an errno outside the table — a vendor's
 * internal code leaking out, an error masked to another — is a finding even where the atomic rules are not
 * consulted.
 */
export const errnoTables: Invariant = {
  name: 'errno-tables',
  rule: 'kernel-semantics.md §6.3, §6.4, §3.1, §6.5; C-8',
  create() {
    return {
      atEnd({ kernel, ops }) {
        const table = TABLES[kernel.profile.kernel];
        const out: string[] = [];
        for (const o of ops) {
          if (o.result?.kind !== 'errno') continue;
          const key = o.op.op === 'vfio' ? (`vfio ${o.op.call}` as const) : o.op.op;
          if (!table[key].includes(o.result.errno))
            out.push(`${key} returned ${o.result.errno}, which its table does not list`);
        }
        return out;
      },
    };
  },
};
