import type { KernfsNode } from '../fs/kernfs.ts';
import { EINVAL } from '../kernel/errno.ts';
import type { Kernel } from '../kernel/kernel.ts';

/** A writable boolean parameter file: how to read and set it. */
export interface BoolParamFile {
  get(): string;
  set(value: boolean): void;
}

/**
 * `/sys/module/<mod>/parameters/<name>` for writable (0644) boolean parameters, parsed like `param_set_bool`
 * (y/Y/1 or n/N/0, one trailing newline allowed; anything else -EINVAL).
 */
export function moduleParamsDir(
  k: Kernel,
  module: string,
  params: Record<string, BoolParamFile>,
): KernfsNode {
  const dir = k.kernfs.mkdirs(`/sys/module/${module}/parameters`);
  for (const [name, p] of Object.entries(params)) {
    k.kernfs.createAttr(dir, name, {
      show: async () => `${p.get()}\n`,
      store: async (_task, buf) => {
        const text = new TextDecoder().decode(buf).replace(/\n$/, '');
        if (/^[yY1]$/.test(text)) p.set(true);
        else if (/^[nN0]$/.test(text)) p.set(false);
        else return -EINVAL;
        return buf.length;
      },
    });
  }
  return dir;
}
