/**
 * Linux errno values (x86-64 numbering, include/uapi/asm-generic/errno-base.h and errno.h), as the kernel
 * model returns them. Kernel-internal functions follow the kernel convention: 0 or a positive count on
 * success, a negative errno on failure (`return -EINVAL`).
 */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const ENXIO = 6;
export const E2BIG = 7;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENOTTY = 25;
export const ENOSPC = 28;
export const ERANGE = 34;
export const EUSERS = 87;
/** Kernel-internal: a probe asks to be retried later; the driver core turns it into -EAGAIN (drivers/base/dd.c). */
export const EPROBE_DEFER = 517;

const NAMES: Record<number, string> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ESRCH]: 'ESRCH',
  [EINTR]: 'EINTR',
  [EIO]: 'EIO',
  [ENXIO]: 'ENXIO',
  [E2BIG]: 'E2BIG',
  [EBADF]: 'EBADF',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EACCES]: 'EACCES',
  [EFAULT]: 'EFAULT',
  [EBUSY]: 'EBUSY',
  [EEXIST]: 'EEXIST',
  [ENODEV]: 'ENODEV',
  [ENOTDIR]: 'ENOTDIR',
  [EISDIR]: 'EISDIR',
  [EINVAL]: 'EINVAL',
  [ENOTTY]: 'ENOTTY',
  [ENOSPC]: 'ENOSPC',
  [ERANGE]: 'ERANGE',
  [EUSERS]: 'EUSERS',
  [EPROBE_DEFER]: 'EPROBE_DEFER',
};

/** The symbolic name of a (positive or negative) errno, as `strerrorname_np` prints it, e.g. `EEXIST`. */
export function errnoName(errno: number): string {
  const e = Math.abs(errno);
  return NAMES[e] ?? `E${e}`;
}
