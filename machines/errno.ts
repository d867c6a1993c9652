/**
 * The errno values the spec names: in the machines' transition `meta` and guard params, and in the results
 * of the atomic rules (include/uapi/asm-generic/errno-base.h and errno.h, x86/generic numbering).
 */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  EUSERS: 87,
} as const;

/** The symbolic name of an errno the machines use. */
export type ErrnoName = keyof typeof ERRNO;
