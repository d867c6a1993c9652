import { EEXIST } from '../kernel/errno.ts';
import type { Preemption } from '../kernel/preemption.ts';
import type { Task } from '../kernel/task.ts';
import { WaitQueue } from '../kernel/waitqueue.ts';
import type { File, FileOperations } from './file.ts';

/** The callbacks behind a sysfs attribute (`show`/`store`); absent ones make open fail with EACCES. */
export interface AttrOps {
  /** Returns the attribute's text, or a negative errno. */
  show?(task: Task): Promise<string | number>;
  /** Consumes a write of `buf`; returns the bytes accepted or a negative errno. */
  store?(task: Task, buf: Uint8Array, node: KernfsNode): Promise<number>;
}

/** What a character device's open gives: file operations, private data, and a hook told the new file. */
export interface ChardevOpened {
  readonly fops: FileOperations;
  readonly data: unknown;
  readonly opened?: (file: File) => void;
}

/** A character device's open (`fops->open`): the opened file's parts, or a negative errno. */
export type ChardevOpen = (task: Task) => Promise<ChardevOpened | number>;

/** What a kernfs node is. */
export type KernfsKind = 'dir' | 'attr' | 'link' | 'chardev';

/**
 * A node of the kernel's sysfs/devtmpfs tree (`struct kernfs_node`): a directory, an attribute, a symlink
 * or a character device. Attribute callbacks run under an *active reference*; removing a node first
 * deactivates it (new callbacks fail with ENODEV) and then drains the callbacks in flight.
 */
export class KernfsNode {
  readonly children = new Map<string, KernfsNode>();
  parent: KernfsNode | null = null;
  /** Callbacks in flight (`kernfs_get_active`). */
  active = 0;
  /** Removal has started: `kernfs_get_active` fails. */
  deactivated = false;
  /** `KERNFS_SUICIDAL`: a store is removing its own file (`kernfs_remove_self`). */
  suicidal = false;
  /** `KERNFS_SUICIDED`: that self-removal is complete. */
  suicided = false;

  constructor(
    readonly name: string,
    readonly kind: KernfsKind,
    readonly attr?: AttrOps,
    /** For links: the node pointed to. */
    readonly target?: KernfsNode,
    /** For character devices: the open callback. */
    readonly chardev?: ChardevOpen,
  ) {}

  /** The absolute path of the node, e.g. `/sys/bus/mdev/devices/<uuid>`. */
  get path(): string {
    const parts: string[] = [];
    for (let n: KernfsNode | null = this; n?.parent; n = n.parent) parts.unshift(n.name);
    return `/${parts.join('/')}`;
  }

  /** True once the node is no longer in the tree. */
  get removed(): boolean {
    return this.parent === null && this.name !== '';
  }
}

/**
 * The tree under `/` holding `/sys` and `/dev`, with kernfs' removal rules: `remove` drains active
 * callbacks (it waits for an in-flight `create` store, as parent unregistration does), `removeSelf` lets a
 * store delete its own attribute (`device_remove_file_self`), and only the first of concurrent
 * self-removers succeeds.
 */
export class Kernfs {
  readonly root = new KernfsNode('', 'dir');
  private readonly drained: WaitQueue;

  constructor(private readonly rt: Preemption) {
    this.drained = new WaitQueue(rt, 'kernfs_drain');
  }

  /** Creates directory `name` under `parent` (EEXIST when taken); returns it. */
  mkdir(parent: KernfsNode, name: string): KernfsNode | number {
    return this.add(parent, new KernfsNode(name, 'dir'));
  }

  /** Creates the directories of an absolute path that do not exist yet; returns the last one. */
  mkdirs(path: string): KernfsNode {
    let node = this.root;
    for (const part of path.split('/').filter(Boolean)) {
      const next = node.children.get(part);
      if (next) node = next;
      else node = this.add(node, new KernfsNode(part, 'dir')) as KernfsNode;
    }
    return node;
  }

  /** Creates attribute `name` with `ops` under `parent` (EEXIST when taken). */
  createAttr(parent: KernfsNode, name: string, ops: AttrOps): KernfsNode | number {
    return this.add(parent, new KernfsNode(name, 'attr', ops));
  }

  /** Creates symlink `name` under `parent` pointing to `target` (`sysfs_create_link`; EEXIST when taken). */
  symlink(parent: KernfsNode, name: string, target: KernfsNode): KernfsNode | number {
    return this.add(parent, new KernfsNode(name, 'link', undefined, target));
  }

  /** Creates a character device node (`cdev_device_add` + devtmpfs). */
  createChardev(parent: KernfsNode, name: string, open: ChardevOpen): KernfsNode | number {
    return this.add(parent, new KernfsNode(name, 'chardev', undefined, undefined, open));
  }

  /** `kernfs_get_active()`: false once removal has started. */
  getActive(node: KernfsNode): boolean {
    if (node.deactivated) return false;
    node.active++;
    return true;
  }

  /** `kernfs_put_active()`. */
  putActive(node: KernfsNode): void {
    node.active--;
    if (node.active === 0 && node.deactivated) this.drained.wakeUpAll();
  }

  /**
   * `kernfs_remove()`: deactivates `node` and its subtree, waits until no callback runs on any of them,
   * then unlinks it. Removing a node that is already unlinked does nothing; a second remover of a node
   * being removed waits for the drain too.
   */
  async remove(task: Task, node: KernfsNode): Promise<void> {
    if (node.parent === null) return;
    const subtree = collect(node);
    for (const n of subtree) n.deactivated = true;
    await this.drained.waitEvent(task, () => subtree.every((n) => n.active === 0));
    if (node.parent !== null) this.unlink(node);
    this.drained.wakeUpAll();
  }

  /**
   * `kernfs_remove_self()`, called from a store on `node` (holding its active reference). The first caller
   * removes the node and gets true; a concurrent caller waits until that removal is done and gets false.
   * The caller's own active reference does not hold up the removal ("break active protection").
   */
  async removeSelf(task: Task, node: KernfsNode): Promise<boolean> {
    await this.rt.preempt(task, `kernfs_remove_self ${node.name}`);
    this.putActive(node);
    let removed: boolean;
    if (!node.suicidal) {
      node.suicidal = true;
      await this.remove(task, node);
      node.suicided = true;
      this.drained.wakeUpAll();
      removed = true;
    } else {
      await this.drained.waitEvent(task, () => node.suicided && node.active === 0);
      removed = false;
    }
    node.active++;
    return removed;
  }

  /** Unlinks `node` at once, without draining (used where the kernel removes nodes nobody can hold). */
  unlink(node: KernfsNode): void {
    for (const n of collect(node)) n.deactivated = true;
    node.parent?.children.delete(node.name);
    node.parent = null;
  }

  /**
   * Resolves an absolute path. Symlinks are followed for every component and, when `followLast`, for the
   * last one. Returns the node or a negative errno (ENOENT, ENOTDIR).
   */
  lookup(path: string, followLast = true): KernfsNode | number {
    return walk(this.root, path.split('/').filter(Boolean), followLast, 0);
  }

  /** The text of a symlink as `readlink` returns it: the target path relative to the link's directory. */
  linkText(link: KernfsNode): string {
    const from = link.parent?.path.split('/').filter(Boolean) ?? [];
    const to = link.target?.path.split('/').filter(Boolean) ?? [];
    let common = 0;
    while (common < from.length && common < to.length && from[common] === to[common]) common++;
    return [...Array(from.length - common).fill('..'), ...to.slice(common)].join('/');
  }

  private add(parent: KernfsNode, node: KernfsNode): KernfsNode | number {
    if (parent.children.has(node.name) || parent.deactivated) return -EEXIST;
    node.parent = parent;
    parent.children.set(node.name, node);
    return node;
  }
}

const ENOENT = 2;
const ENOTDIR = 20;
const ELOOP = 40;

function walk(start: KernfsNode, parts: string[], followLast: boolean, depth: number): KernfsNode | number {
  if (depth > 40) return -ELOOP;
  let node = start;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (node.kind !== 'dir') return -ENOTDIR;
    if (part === '.') continue;
    if (part === '..') {
      node = node.parent ?? node;
      continue;
    }
    const child = node.children.get(part);
    if (!child) return -ENOENT;
    node = child;
    if (node.kind === 'link' && (i < parts.length - 1 || followLast)) {
      const target = node.target;
      if (!target || target.removed) return -ENOENT;
      node = target;
    }
  }
  return node;
}

function collect(node: KernfsNode): KernfsNode[] {
  const out: KernfsNode[] = [node];
  for (const c of node.children.values()) out.push(...collect(c));
  return out;
}
