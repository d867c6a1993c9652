/**
 * The errno values the spec machines name in their transition `meta` and guard params
 * (include/uapi/asm-generic/errno-base.h and errno.h, x86/generic numbering).
 */
export const ERRNO = {
  EPERM: 1,
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
