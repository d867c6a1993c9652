import type { SpecOp } from '../../machines/atomic_state.ts';
import type { Profile } from '../../src/profile/profiles.ts';
import type { TraceProgram } from '../trace_program.ts';
import type { Violation } from '../violation.ts';

/**
 * A historical race or lifecycle bug of kernel-semantics.md §5 (or one this model found, K-n) as a named,
 * executable check: the kernel that has it, the same kernel with the fix switched on, the checks that show
 * it, and a small parallel program in which it can happen.
 */
export interface CatalogueEntry {
  readonly id: string;
  readonly title: string;
  /** Where it is documented: the section, the fixing commit. */
  readonly source: string;
  /** The kernel with the bug. */
  readonly buggy: Profile;
  /** The kernel with the fix switched on (null: not fixed upstream). */
  readonly fixed: Profile | null;
  /** The checks (a violation's `check`, or its `kind`) whose violation shows the bug. */
  readonly shownBy: readonly string[];
  /** A small operation set that can show it: a prefix, then concurrent branches. */
  readonly program: TraceProgram;
  /** The samples it involves (the system of its checks loads only these). */
  readonly parents: readonly string[];
}

/** Whether `v` shows the entry's bug. */
export function shows(entry: CatalogueEntry, v: Violation): boolean {
  return entry.shownBy.includes(v.check) || entry.shownBy.includes(v.kind);
}

/** A parallel program from operations (commands of a program run one after another within their branch). */
export function program(prefix: readonly SpecOp[], ...branches: (readonly SpecOp[])[]): TraceProgram {
  const cmd = (op: SpecOp) => ({ op, concurrent: false });
  return { prefix: prefix.map(cmd), branches: branches.map((b) => b.map(cmd)) };
}

/** UUIDs the catalogue programs use. */
export const U1 = '5a1e0000-0000-4000-8000-0000000000a1';
export const U2 = '5a1e0000-0000-4000-8000-0000000000a2';
