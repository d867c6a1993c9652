import type { KconfigExpression } from './expression.ts';

/** Where something was written: a path in the Kconfig file map and a 1-based line number. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** The symbol types of the supported subset (Kconfig also has string, int and hex). */
export type SymbolType = 'bool' | 'tristate';

/** A `prompt "text" [if cond]` (or the prompt written after the type): the symbol is user-visible when it holds. */
export interface PromptProperty {
  readonly text: string;
  readonly condition: KconfigExpression | undefined;
  readonly location: SourceLocation;
}

/** A `default expr [if cond]` (or the value of `def_bool` / `def_tristate`). */
export interface DefaultProperty {
  readonly value: KconfigExpression;
  readonly condition: KconfigExpression | undefined;
  readonly location: SourceLocation;
}

/** A `select SYM [if cond]` or `imply SYM [if cond]`: a reverse dependency on `symbol`. */
export interface ReverseDependencyProperty {
  readonly symbol: string;
  readonly condition: KconfigExpression | undefined;
  readonly location: SourceLocation;
}

/** Properties every menu entry shares: its location, own `depends on`, and enclosing `if`/`menu` conditions. */
interface EntryBase {
  readonly location: SourceLocation;
  /** The entry's own `depends on` lines, in order. */
  readonly dependsOn: KconfigExpression[];
  /** Conditions of the enclosing `if` blocks and `menu`s, outermost first (Kconfig adds them to `depends on`). */
  readonly enclosingConditions: readonly KconfigExpression[];
}

/** One `config` or `menuconfig` definition. A symbol may be defined by several entries. */
export interface ConfigEntry extends EntryBase {
  readonly kind: 'config' | 'menuconfig';
  readonly name: string;
  type: SymbolType | undefined;
  readonly prompts: PromptProperty[];
  readonly defaults: DefaultProperty[];
  readonly selects: ReverseDependencyProperty[];
  /** `imply` lines: weak reverse dependencies, applied only to a symbol's default. */
  readonly implies: ReverseDependencyProperty[];
  /** The `help` / `---help---` text with its common indentation removed. */
  help: string | undefined;
}

/** A `menu "title"` ... `endmenu` block; its `depends on` applies to every entry inside. */
export interface MenuEntry extends EntryBase {
  readonly kind: 'menu';
  readonly title: string;
}

/** A `comment "text"`: shown in menus, no value. */
export interface CommentEntry extends EntryBase {
  readonly kind: 'comment';
  readonly text: string;
}

/** Any entry of a Kconfig tree. */
export type KconfigEntry = ConfigEntry | MenuEntry | CommentEntry;

/** A parsed Kconfig tree: all entries in source order (sourced files inlined) and the files read. */
export interface KconfigTree {
  readonly entries: readonly KconfigEntry[];
  readonly files: readonly string[];
}
