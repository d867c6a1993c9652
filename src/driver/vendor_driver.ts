import type { SpecParentConfig } from '../../machines/atomic_state.ts';
import type { KernelProfile } from '../../machines/profile.ts';
import type { ModuleDef } from '../kernel/kernel.ts';

/**
 * A vendor driver that `mdevspec check --driver FILE` can load: a loadable module of the model (its
 * `module_init` registers one mdev parent named after the module) plus what the spec needs to know to hold
 * it to the mdev rules — its types, what one instance of each costs, the pool they share and the errno of a
 * create that does not fit. A driver whose module has the name of a sample (mtty, mdpy, mbochs) takes that
 * sample's place.
 */
export interface VendorDriver {
  /** A short name for reports (e.g. `mtty-racy-ports`). */
  readonly name: string;
  /** One sentence: what the driver is. */
  readonly description: string;
  /** The kernel the driver is written for; the check runs that profile. */
  readonly kernel: KernelProfile;
  /** The module name; also the parent's name and its type prefix (`<module>-<type>`). */
  readonly module: string;
  /** A fresh instance of the module, with its own state: called once per booted kernel. */
  create(): ModuleDef;
  /** Instance accounting as the spec sees it (types and costs, pool, exhaustion errno). */
  readonly accounting: SpecParentConfig;
  /** Module parameters the check loads it with (e.g. a small `count`, so exhaustion is reachable). */
  readonly params?: Readonly<Record<string, number>>;
  /** For deliberately faulty example drivers: the planted bug, in one sentence. */
  readonly plantedBug?: string;
}

/** Declares a vendor driver (an identity function that gives the file its type). */
export function defineVendorDriver(driver: VendorDriver): VendorDriver {
  return driver;
}
