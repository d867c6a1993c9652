import type { SourceLocation } from './entries.ts';
import type { Tristate } from './tristate.ts';

/**
 * Something the evaluation did that the kernel's Kconfig tools would warn about. Every warning carries a
 * human-readable `message`; the other fields let callers match on it.
 */
export type KconfigWarning =
  /** scripts/kconfig/symbol.c sym_warn_unmet_dep: a `select` forced `symbol` above its `depends on`. */
  | {
      readonly kind: 'unmet-direct-dependencies';
      readonly symbol: string;
      readonly dependsOn: Tristate;
      readonly selectedAs: Tristate;
      readonly selectedBy: readonly string[];
      readonly message: string;
    }
  /** An assignment names a symbol that no entry defines; it is ignored. */
  | { readonly kind: 'unknown-symbol-assignment'; readonly symbol: string; readonly message: string }
  /** An assignment the symbol's type cannot hold (`m` for a bool); it is ignored, as confdata.c does. */
  | {
      readonly kind: 'invalid-assignment';
      readonly symbol: string;
      readonly value: Tristate;
      readonly message: string;
    }
  /** A `select`/`imply` of a symbol that no entry defines: it has no effect. */
  | {
      readonly kind: 'reverse-dependency-on-undefined-symbol';
      readonly symbol: string;
      readonly by: string;
      readonly location: SourceLocation;
      readonly message: string;
    }
  /** A later definition gives a symbol another type; the first type is kept, as menu.c does. */
  | {
      readonly kind: 'type-redefinition';
      readonly symbol: string;
      readonly location: SourceLocation;
      readonly message: string;
    }
  /** No definition of the symbol gives it a type; it stays n. */
  | {
      readonly kind: 'untyped-symbol';
      readonly symbol: string;
      readonly location: SourceLocation;
      readonly message: string;
    }
  /** The values kept changing (a dependency loop); the listed symbols are the ones still changing. */
  | { readonly kind: 'no-fixed-point'; readonly symbols: readonly string[]; readonly message: string };
