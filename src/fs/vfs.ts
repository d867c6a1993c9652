import { EACCES, EBADF, EINVAL, EISDIR, ENODEV, ENOENT, ENOTTY } from '../kernel/errno.ts';
import type { Process } from '../kernel/process.ts';
import type { Task } from '../kernel/task.ts';
import { File, type FileOperations, type UserBuffer } from './file.ts';
import type { Kernfs, KernfsNode } from './kernfs.ts';

/** How `open` opens a file. */
export type OpenMode = 'r' | 'w' | 'rw';

/**
 * The system-call layer over the model's `/sys` and `/dev` tree: `open`, `read`, `write`, `ioctl`, `close`
 * on a process's descriptor table, plus the path queries (`ls`, `exists`, `readlink`) scenarios use.
 * Errors come back as negative errnos exactly where the kernel gives them (ENOENT from the path walk,
 * EACCES from kernfs when an attribute lacks `show`/`store`, ENODEV on a removed attribute, EISDIR...).
 */
export class Vfs {
  constructor(private readonly kernfs: Kernfs) {}

  /** `open(2)`: returns a descriptor or a negative errno. */
  async open(task: Task, path: string, mode: OpenMode): Promise<number> {
    const node = this.kernfs.lookup(path);
    if (typeof node === 'number') return node;
    const file = await this.openNode(task, node, mode);
    if (typeof file === 'number') return file;
    return task.process.installFd(file);
  }

  /** `read(2)` of up to `count` bytes at `offset`. Sysfs attributes return their whole text. */
  async read(task: Task, fd: number, count = 4096, offset = 0): Promise<UserBuffer | number> {
    const file = task.process.fds.get(fd);
    if (!file) return -EBADF;
    if (file.mode === 'w') return -EBADF;
    if (!file.ops.read) return -EINVAL;
    return file.ops.read(task, file, count, offset);
  }

  /** `write(2)`: returns the bytes written or a negative errno. A 0-byte write returns 0. */
  async write(task: Task, fd: number, data: UserBuffer, offset = 0): Promise<number> {
    const file = task.process.fds.get(fd);
    if (!file) return -EBADF;
    if (file.mode === 'r') return -EBADF;
    if (!file.ops.write) return -EINVAL;
    return file.ops.write(task, file, data, offset);
  }

  /** `ioctl(2)`: unknown requests give ENOTTY. */
  async ioctl(task: Task, fd: number, cmd: string, arg?: unknown): Promise<number> {
    const file = task.process.fds.get(fd);
    if (!file) return -EBADF;
    if (!file.ops.ioctl) return -ENOTTY;
    return file.ops.ioctl(task, file, cmd, arg);
  }

  /** `mmap(2)` of a device region. */
  async mmap(task: Task, fd: number, offset: number, length: number): Promise<number> {
    const file = task.process.fds.get(fd);
    if (!file) return -EBADF;
    if (!file.ops.mmap) return -ENODEV;
    return file.ops.mmap(task, file, offset, length);
  }

  /** `close(2)`: drops the descriptor's reference; the file is released with its last reference. */
  async close(task: Task, fd: number): Promise<number> {
    const file = task.process.fds.get(fd);
    if (!file) return -EBADF;
    task.process.fds.delete(fd);
    await this.fput(task, file);
    return 0;
  }

  /** Installs a new file for an anonymous inode (`anon_inode_getfile` + `fd_install`). */
  installAnon(process: Process, path: string, ops: FileOperations, privateData: unknown): number {
    return process.installFd(new File(path, ops, privateData, 'rw'));
  }

  /** `fput()`: releases the file when its last reference goes. */
  async fput(task: Task, file: File): Promise<void> {
    file.refs--;
    if (file.refs === 0) await file.ops.release?.(task, file);
  }

  /** `process exit`: closes every descriptor, lowest first, as the kernel's `exit_files` does. */
  async exitFiles(task: Task, process: Process): Promise<void> {
    for (const fd of [...process.fds.keys()].sort((a, b) => a - b)) await this.close(task, fd);
    process.exited = true;
  }

  /** Sorted names in a directory (following links), or a negative errno. */
  ls(path: string): string[] | number {
    const node = this.kernfs.lookup(path);
    if (typeof node === 'number') return node;
    if (node.kind !== 'dir') return -20;
    return [...node.children.keys()].sort();
  }

  /** `lstat(2) == 0`. */
  exists(path: string): boolean {
    return typeof this.kernfs.lookup(path, false) !== 'number';
  }

  /** `readlink(2)`: the link text, or a negative errno (EINVAL for a non-link). */
  readlink(path: string): string | number {
    const node = this.kernfs.lookup(path, false);
    if (typeof node === 'number') return node;
    if (node.kind !== 'link') return -EINVAL;
    return this.kernfs.linkText(node);
  }

  /** The basename of a link's target, as the scenario runner reports links (`driver`, `iommu_group`). */
  linkTarget(path: string): string | null {
    const node = this.kernfs.lookup(path, false);
    if (typeof node === 'number' || node.kind !== 'link' || !node.target) return null;
    return node.target.name;
  }

  /** The node a path resolves to, or a negative errno. */
  resolve(path: string): KernfsNode | number {
    return this.kernfs.lookup(path);
  }

  private async openNode(task: Task, node: KernfsNode, mode: OpenMode): Promise<File | number> {
    switch (node.kind) {
      case 'dir':
        if (mode !== 'r') return -EISDIR;
        return new File(node.path, DIR_OPS, null, mode);
      case 'attr': {
        // kernfs_fop_open: a write open needs ->store, a read open needs ->show; else EACCES even for root.
        if (mode !== 'r' && !node.attr?.store) return -EACCES;
        if (mode !== 'w' && !node.attr?.show) return -EACCES;
        if (node.deactivated) return -ENODEV;
        return new File(node.path, this.attrOps(node), null, mode);
      }
      case 'chardev': {
        const opened = await node.chardev!(task);
        if (typeof opened === 'number') return opened;
        const file = new File(node.path, opened.fops, opened.data, mode);
        opened.opened?.(file);
        return file;
      }
      default:
        return -ENOENT;
    }
  }

  /** The file operations of sysfs attribute `node`: `show` on read, `store` on write, while it is active. */
  private attrOps(node: KernfsNode): FileOperations {
    const kernfs = this.kernfs;
    return {
      async read(task) {
        if (!kernfs.getActive(node)) return -ENODEV;
        try {
          const text = await node.attr!.show!(task);
          return typeof text === 'number' ? text : new TextEncoder().encode(text);
        } finally {
          kernfs.putActive(node);
        }
      },
      async write(task, _file, data) {
        if (data.length === 0) return 0;
        if (!kernfs.getActive(node)) return -ENODEV;
        try {
          return await node.attr!.store!(task, data, node);
        } finally {
          kernfs.putActive(node);
        }
      },
    };
  }
}

/** Reading a directory through `read(2)` fails with EISDIR. */
const DIR_OPS: FileOperations = {
  async read() {
    return -EISDIR;
  },
};
