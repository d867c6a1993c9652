import type { File } from '../fs/file.ts';

/**
 * A user process of the model: its pid, command name, capabilities and file descriptor table. Holders of
 * VFIO fds in scenarios, the writers of sysfs attributes and `modprobe` are processes.
 */
export class Process {
  /** Open files by descriptor number. */
  readonly fds = new Map<number, File>();
  /** CAP_SYS_RAWIO: needed for noiommu groups (drivers/vfio/container.c, vfio_main.c). Root has it. */
  capSysRawio = true;
  exited = false;

  constructor(
    readonly pid: number,
    /** `current->comm`. */
    readonly comm: string,
  ) {}

  /** Installs a file at the lowest free descriptor number ≥ 3 (0–2 are the standard streams), as `fd_install` does. */
  installFd(file: File): number {
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, file);
    return fd;
  }
}
