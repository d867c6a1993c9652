/** What kind of check found a problem. */
export type ViolationKind = 'linearizability' | 'invariant' | 'monitor' | 'kernel-bug' | 'oops' | 'deadlock';

/**
 * A problem a run found: which check, what it says, and — once classified — the known kernel issue or
 * catalogue entry it is an instance of.
 */
export interface Violation {
  readonly kind: ViolationKind;
  /** The invariant, machine or check name. */
  readonly check: string;
  readonly message: string;
  /** The known issue (K-n) or catalogue entry (C-n) that explains it, once classified. */
  readonly known?: string;
}
