import { EAGAIN, EBUSY, EEXIST, EINVAL, ENOENT } from '../kernel/errno.ts';
import type { ModuleRefs } from '../kernel/kernel_services.ts';
import type { Klog } from '../kernel/klog.ts';
import { KERN_WARNING } from '../kernel/klog.ts';
import type { Runtime } from '../kernel/runtime.ts';
import type { Task } from '../kernel/task.ts';
import type { Tracer } from '../kernel/trace.ts';
import { WaitQueue } from '../kernel/waitqueue.ts';
import type { LoadedModule, ModuleDefFor, ModuleParams } from './module.ts';

/** What the loader uses of the kernel `K` it loads modules into (and passes to their init and exit). */
export interface ModuleHost {
  readonly rt: Runtime;
  readonly klog: Klog;
  readonly trace: Tracer;
}

/** Where a load failed: opening the `.ko` file, or the `finit_module` call itself (the runner's `stage`). */
export interface LoadResult {
  readonly stage: 'open' | 'finit_module';
  readonly ret: number;
}

/** A module the configuration provides: as a loadable `.ko` (=m) or built in (=y). */
export interface AvailableModule<K> {
  readonly def: ModuleDefFor<K>;
  readonly builtin: boolean;
}

/**
 * The module loader (kernel/module/main.c): `finit_module` and `delete_module(O_NONBLOCK)` with the
 * kernel's refcount rules. Loading a module twice is EEXIST; a missing dependency is an unresolved symbol
 * (ENOENT); unloading a module that others use, or that holds references (an open device fd pins its
 * driver, a container pins its IOMMU backend), is EAGAIN and changes nothing.
 */
export class ModuleLoader<K extends ModuleHost> implements ModuleRefs {
  readonly loaded = new Map<string, LoadedModule<K>>();
  private readonly finished: WaitQueue;

  constructor(
    private readonly k: K,
    readonly available: ReadonlyMap<string, AvailableModule<K>>,
  ) {
    this.finished = new WaitQueue(k.rt, 'module_wq');
  }

  /** Initialises the built-in (=y) modules, in dependency order, as the kernel does at boot. */
  async boot(task: Task): Promise<void> {
    for (const [name, m] of this.available) {
      if (m.builtin && !this.loaded.has(name)) await this.insert(task, m.def, '', true);
    }
  }

  /** `finit_module(open("/modules/<name>.ko"), params)`. */
  async load(task: Task, name: string, params: string): Promise<LoadResult> {
    const m = this.available.get(name);
    if (!m || m.builtin) return { stage: 'open', ret: -ENOENT };
    return { stage: 'finit_module', ret: await this.insert(task, m.def, params, false) };
  }

  /** `delete_module(name, O_NONBLOCK)`, what rmmod does. */
  async unload(task: Task, name: string): Promise<number> {
    await this.k.rt.preempt(task, `delete_module ${name}`);
    const mod = this.loaded.get(name);
    if (!mod || mod.builtin) return -ENOENT;
    if (mod.users.size > 0) return -EAGAIN;
    if (mod.state !== 'Live') return -EBUSY;
    if (mod.refs > 0) return -EAGAIN;
    mod.state = 'Going';
    await mod.def.exit(this.k, task);
    for (const dep of mod.def.deps) this.loaded.get(dep)?.users.delete(name);
    this.loaded.delete(name);
    this.finished.wakeUpAll();
    if (this.k.trace.on) this.k.trace.emit(task.id, 'module.unload', { module: name, ret: 0 });
    return 0;
  }

  /** `try_module_get()`: fails once the module is going away. */
  tryGet(name: string): boolean {
    const mod = this.loaded.get(name);
    if (!mod || mod.state === 'Going') return false;
    mod.refs++;
    return true;
  }

  /** `module_put()`. */
  put(name: string): void {
    const mod = this.loaded.get(name);
    if (mod) mod.refs--;
  }

  /** True when `name` is loaded and live. */
  isLive(name: string): boolean {
    return this.loaded.get(name)?.state === 'Live';
  }

  /** The parameters of a loaded module. */
  params(name: string): ModuleParams | undefined {
    return this.loaded.get(name)?.params;
  }

  private async insert(
    task: Task,
    def: ModuleDefFor<K>,
    paramString: string,
    builtin: boolean,
  ): Promise<number> {
    await this.k.rt.preempt(task, `finit_module ${def.name}`);
    // add_unformed_module: wait for a module of that name that is still coming, then EEXIST if it is live
    // and EBUSY otherwise (it failed, or it is going) — never a second try.
    const old = this.loaded.get(def.name);
    if (old) {
      if (old.state === 'Coming') {
        await this.finished.waitEvent(
          task,
          () => this.loaded.get(def.name) !== old || old.state !== 'Coming',
        );
      }
      return this.loaded.get(def.name)?.state === 'Live' ? -EEXIST : -EBUSY;
    }
    for (const dep of def.deps) {
      if (!this.loaded.has(dep) || this.loaded.get(dep)!.state === 'Going') {
        this.k.klog.log(KERN_WARNING, `${def.name}: Unknown symbol (needs ${dep})`);
        return -ENOENT;
      }
    }
    const params = this.parseParams(def, paramString);
    if (typeof params === 'number') return params;
    const mod: LoadedModule<K> = { def, state: 'Coming', refs: 0, users: new Set(), params, builtin };
    this.loaded.set(def.name, mod);
    for (const dep of def.deps) this.loaded.get(dep)!.users.add(def.name);
    const ret = await def.init(this.k, task, params);
    if (ret !== 0) {
      for (const dep of def.deps) this.loaded.get(dep)?.users.delete(def.name);
      this.loaded.delete(def.name);
    } else {
      mod.state = 'Live';
    }
    this.finished.wakeUpAll();
    if (this.k.trace.on) this.k.trace.emit(task.id, 'module.load', { module: def.name, ret });
    return ret;
  }

  /** `parse_args()`: `name=value` pairs; unknown names are ignored with a warning, bad values are EINVAL. */
  private parseParams(def: ModuleDefFor<K>, paramString: string): ModuleParams | number {
    const params: ModuleParams = {};
    for (const [name, p] of Object.entries(def.params)) params[name] = p.default;
    for (const word of paramString.split(/\s+/).filter(Boolean)) {
      const eq = word.indexOf('=');
      const name = eq < 0 ? word : word.slice(0, eq);
      const value = eq < 0 ? undefined : word.slice(eq + 1);
      const spec = def.params[name];
      if (!spec) {
        this.k.klog.log(KERN_WARNING, `${def.name}: unknown parameter '${name}' ignored`);
        continue;
      }
      if (spec.type === 'bool') {
        const v = value === undefined ? 'y' : value;
        if (/^(y|Y|1)$/.test(v)) params[name] = true;
        else if (/^(n|N|0)$/.test(v)) params[name] = false;
        else return -EINVAL;
      } else {
        if (value === undefined || !/^-?(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(value)) return -EINVAL;
        const n = Number.parseInt(
          value,
          value.startsWith('0x') || value.startsWith('-0x') ? 16 : /^-?0[0-7]/.test(value) ? 8 : 10,
        );
        if (n < -(2 ** 31) || n >= 2 ** 31) return -EINVAL;
        params[name] = n;
      }
    }
    return params;
  }
}
