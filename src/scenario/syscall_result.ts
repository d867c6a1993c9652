import { errnoName } from '../kernel/errno.ts';

/** `,"ret":R,"errno":E,"err":"NAME"` of a system call that returned `ret` (a negative errno on failure). */
export function result(ret: number): { ret: number; errno: number; err: string | null } {
  if (ret < 0) return { ret: -1, errno: -ret, err: errnoName(ret) };
  return { ret, errno: 0, err: null };
}
