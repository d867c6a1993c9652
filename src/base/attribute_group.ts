import type { AttrOps, Kernfs, KernfsNode } from '../fs/kernfs.ts';

/**
 * A `struct attribute_group`: named attributes, optionally in a subdirectory (`.name`), such as mtty's
 * `vendor/sample_mdev_dev` or mdev's core `remove` attribute.
 */
export interface AttributeGroup {
  /** Subdirectory name; attributes go straight into the device directory when absent. */
  readonly name?: string;
  readonly attrs: Readonly<Record<string, AttrOps>>;
}

/** `sysfs_create_groups()`: creates the groups' attributes under `dir`; returns the nodes created. */
export function createGroups(
  kernfs: Kernfs,
  dir: KernfsNode,
  groups: readonly AttributeGroup[],
): KernfsNode[] {
  const created: KernfsNode[] = [];
  for (const g of groups) {
    let parent = dir;
    if (g.name) {
      const sub = kernfs.mkdir(dir, g.name);
      if (typeof sub === 'number') continue;
      created.push(sub);
      parent = sub;
    }
    for (const [name, ops] of Object.entries(g.attrs)) {
      const node = kernfs.createAttr(parent, name, ops);
      if (typeof node !== 'number' && !g.name) created.push(node);
    }
  }
  return created;
}
