import type { SpecOp } from '../../machines/atomic_state.ts';
import type { TraceProgram } from '../trace_program.ts';
import { program, U1, U2 } from './catalogue_entry.ts';

/** A deliberately faulty example driver, a small parallel program in which its bug can show, and the checks that show it. */
export interface DriverWitness {
  /** The driver file's name in examples/buggy-drivers (without `.ts`). */
  readonly file: string;
  readonly program: TraceProgram;
  /** The checks (a violation's `check`) that catch it in this program. */
  readonly caughtBy: readonly string[];
}

const create = (parent: string, type: string, data: string): SpecOp => ({ op: 'create', parent, type, data });

/** For each faulty example driver, the smallest operation set we know in which its bug can happen. */
export const DRIVER_WITNESSES: readonly DriverWitness[] = [
  {
    file: 'mtty-racy-ports',
    program: program([], [create('mtty', 'mtty-1', U1)], [create('mtty', 'mtty-1', U2)]),
    caughtBy: ['instance-accounting', 'linearizable'],
  },
  {
    file: 'mtty-free-in-remove',
    program: program(
      [create('mtty', 'mtty-1', U1), { op: 'open', holder: '', uuid: U1 }],
      [{ op: 'remove', uuid: U1 }],
      [{ op: 'available', parent: 'mtty', type: 'mtty-1' }],
    ),
    caughtBy: ['create-before-open'],
  },
  {
    file: 'mbochs-create-without-reserve',
    program: program(
      [create('mbochs', 'mbochs-small', U1)],
      [{ op: 'available', parent: 'mbochs', type: 'mbochs-small' }],
      [{ op: 'available', parent: 'mbochs', type: 'mbochs-medium' }],
    ),
    caughtBy: ['instance-accounting', 'linearizable'],
  },
  {
    file: 'mtty-unlocked-list',
    program: program(
      [create('mtty', 'mtty-1', U1)],
      [{ op: 'available', parent: 'mtty', type: 'mtty-2' }],
      [{ op: 'remove', uuid: U1 }],
    ),
    caughtBy: ['use-after-free'],
  },
  {
    file: 'mtty-release-per-fd',
    program: program(
      [
        create('mtty', 'mtty-1', U1),
        { op: 'open', holder: '', uuid: U1 },
        { op: 'vfio', holder: '0', call: 'dev' },
        { op: 'vfio', holder: '0', call: 'closedev' },
      ],
      [{ op: 'vfio', holder: '0', call: 'cfg' }],
      [{ op: 'available', parent: 'mtty', type: 'mtty-1' }],
    ),
    caughtBy: ['use-after-free', 'create-before-open'],
  },
  {
    file: 'mtty-leaky-ports',
    program: program([create('mtty', 'mtty-1', U1)], [{ op: 'available', parent: 'mtty', type: 'mtty-1' }]),
    caughtBy: ['instance-accounting', 'linearizable'],
  },
];
