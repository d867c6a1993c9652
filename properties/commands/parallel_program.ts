import fc from 'fast-check';
import { type CommandSpace, commandArb } from './command_space.ts';
import type { OpCommand } from './op_command.ts';

/** A parallel program of commands: a sequential prefix, then two or three branches run concurrently. */
export interface ParallelProgram {
  readonly prefix: readonly OpCommand[];
  readonly branches: readonly (readonly OpCommand[])[];
}

/**
 * The fast-check arbitrary of parallel programs over `space` (quickcheck-state-machine's parallel commands):
 * up to `maxPrefix` commands run one at a time, then 2 or 3 branches of 1 to `maxBranch` commands. Shrinks
 * towards fewer and shorter branches and a shorter prefix.
 */
export function parallelProgramArb(
  space: CommandSpace,
  maxPrefix = 4,
  maxBranch = 3,
): fc.Arbitrary<ParallelProgram> {
  const command = commandArb(space);
  return fc.record({
    prefix: fc.array(command, { maxLength: maxPrefix }),
    branches: fc.array(fc.array(command, { minLength: 1, maxLength: maxBranch }), {
      minLength: 2,
      maxLength: 3,
    }),
  });
}
