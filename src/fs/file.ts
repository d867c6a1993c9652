import type { Task } from '../kernel/task.ts';

/** A user-space memory buffer of the model (what `read`/`write` copy). */
export type UserBuffer = Uint8Array;

/**
 * `struct file_operations` of the model: what an open file does for `read`, `write`, `ioctl` and the
 * final `release` (when its last reference goes). Missing operations fail as the kernel's do.
 */
export interface FileOperations {
  read?(task: Task, file: File, count: number, offset: number): Promise<UserBuffer | number>;
  write?(task: Task, file: File, data: UserBuffer, offset: number): Promise<number>;
  ioctl?(task: Task, file: File, cmd: string, arg: unknown): Promise<number>;
  mmap?(task: Task, file: File, offset: number, length: number): Promise<number>;
  release?(task: Task, file: File): Promise<void>;
}

/**
 * An open file (`struct file`): its operations, private data and reference count. Several descriptors
 * and kernel objects may hold one file (a VFIO device fd holds its group file); the file is released when
 * the last reference goes.
 */
export class File {
  refs = 1;

  constructor(
    /** The path it was opened by, or a pseudo name for anonymous files (`[vfio-device]`). */
    readonly path: string,
    readonly ops: FileOperations,
    /** `file->private_data`. */
    public privateData: unknown,
    /** `O_RDONLY`, `O_WRONLY` or `O_RDWR`. */
    readonly mode: 'r' | 'w' | 'rw',
  ) {}

  /** `get_file()`. */
  get(): this {
    this.refs++;
    return this;
  }
}
