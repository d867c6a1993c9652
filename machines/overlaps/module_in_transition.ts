import { errno, type OverlapWindow } from './overlap.ts';

/**
 * An insmod or rmmod of a module that another insmod or rmmod of it is still loading (COMING) or
 * unloading (GOING) gets EBUSY (kernel/module/main.c: `add_unformed_module`, `delete_module`'s
 * `mod->state != MODULE_STATE_LIVE`). Nothing changes.
 */
export const moduleInTransition: OverlapWindow = {
  name: 'module-in-transition',
  profiles: ['v4.10', 'v6.1'],
  source: 'kernel/module/main.c add_unformed_module, delete_module',
  outcomes(ctx) {
    const { op } = ctx;
    if (op.op !== 'load' && op.op !== 'unload') return [];
    const busy = ctx.overlapping.some(
      (o) => (o.op.op === 'load' || o.op.op === 'unload') && o.op.module === op.module,
    );
    return busy ? [ctx.unchanged(errno('EBUSY'), this.name)] : [];
  },
};
