import type { Task } from '../kernel/task.ts';

/** A module parameter (`module_param_named`): its type, default, and whether root may change it at run time. */
export interface ModuleParam {
  readonly type: 'int' | 'bool';
  readonly default: number | boolean;
  /** 0644 parameters are writable through /sys/module/<mod>/parameters/<name>. */
  readonly writable: boolean;
  readonly description: string;
}

/** Parameter values of a loaded module. */
export type ModuleParams = Record<string, number | boolean>;

/**
 * A loadable module of the model (a `.ko`): the modules whose symbols it uses, its parameters, and its
 * `module_init`/`module_exit`, which get the kernel `K` they run in (the kernel model's `ModuleDef` is
 * `ModuleDefFor<Kernel>`; the loader only passes the kernel through, so it does not depend on it).
 * Sample vendor drivers are modules whose init registers a parent.
 */
export interface ModuleDefFor<K> {
  readonly name: string;
  /** Modules it links against; loading it without them fails like an unresolved symbol (ENOENT). */
  readonly deps: readonly string[];
  readonly params: Readonly<Record<string, ModuleParam>>;
  /** `module_init`: 0 or a negative errno (the module is then freed). */
  init(k: K, task: Task, params: ModuleParams): Promise<number>;
  /** `module_exit`: may sleep (4.10 parent unregistration waits for open device fds). */
  exit(k: K, task: Task): Promise<void>;
}

/** A module's lifecycle state (`enum module_state`). */
export type ModuleState = 'Coming' | 'Live' | 'Going';

/** A module in the kernel: its definition, state, references and the modules using it. */
export interface LoadedModule<K> {
  readonly def: ModuleDefFor<K>;
  state: ModuleState;
  /** `module_refcount()`: references taken with `try_module_get` (open fds, containers...). */
  refs: number;
  /** Modules that depend on this one (`source_list`). */
  readonly users: Set<string>;
  readonly params: ModuleParams;
  /** Built in (=y): loaded at boot, never unloadable. */
  readonly builtin: boolean;
}
