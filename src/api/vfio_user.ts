import type { Kernel } from '../kernel/kernel.ts';
import { Holder, type OpRecord } from '../scenario/holder.ts';
import { Pending } from './pending.ts';
import { UserProcess } from './user_process.ts';

/**
 * A user process driving VFIO with the op vocabulary of the scenario runner (`container`, `group`,
 * `setc`, `iommu`, `dev`, `info`, `closedev`... and the presets `full`, `cfg`, `dev-before-iommu`...), for
 * programs and tests that want the VFIO protocol without spelling out ioctls.
 */
export class VfioUser extends UserProcess {
  private readonly holder: Holder;

  constructor(k: Kernel, name: string, uuid: string) {
    super(k, k.newProcess(`holder-${name}`));
    this.holder = new Holder(k, name, uuid, this.process);
  }

  /** Starts an op list (comma-separated, or a preset); the result lists one record per op. */
  ops(ops: string): Pending<OpRecord[]> {
    const out: OpRecord[] = [];
    const h = this.kernel.spawn(`${this.holder.name}: ${ops}`, this.process, async (t) => {
      await this.holder.run(t, ops, out);
      return out;
    });
    return new Pending(h.task, h.done);
  }

  /** Starts one op by name (never a preset: `cfg` here is the config-space read, not the `cfg` preset). */
  op(op: string): Pending<OpRecord> {
    const h = this.kernel.spawn(`${this.holder.name}: ${op}`, this.process, (t) => this.holder.op(t, op));
    return new Pending(h.task, h.done);
  }

  /** Starts `close H`: device fds, group, container, then process exit. */
  closeAll(): Pending<OpRecord[]> {
    const out: OpRecord[] = [];
    const h = this.kernel.spawn(`${this.holder.name}: close`, this.process, async (t) => {
      await this.holder.closeAll(t, out);
      return out;
    });
    return new Pending(h.task, h.done);
  }

  /** The device fds it holds, oldest first. */
  get deviceFds(): readonly number[] {
    return this.holder.devs;
  }
}
