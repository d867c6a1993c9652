import type { ConfigEntry, KconfigTree, SourceLocation, SymbolType } from './entries.ts';
import type { KconfigExpression } from './expression.ts';
import type { KconfigWarning } from './warnings.ts';

/** A property's conditions: its own `if` plus every dependency of the entry that declares it, all ANDed. */
export type Conditions = readonly KconfigExpression[];

/** One `select` / `imply` aimed at a symbol, seen from the target: `selector && conditions`. */
export interface ReverseDependency {
  readonly selector: string;
  readonly conditions: Conditions;
  readonly location: SourceLocation;
}

/**
 * A symbol with all its definitions merged the way scripts/kconfig/menu.c menu_finalize does: each
 * property is guarded by the dependencies of the entry it came from, the direct dependency is the OR over
 * definitions, and selects/implies of other symbols become reverse dependencies of this one.
 */
export interface KconfigSymbol {
  readonly name: string;
  /** The first declared type; `undefined` when no definition declares one. */
  readonly type: SymbolType | undefined;
  readonly definitions: readonly ConfigEntry[];
  /** One entry per prompt; the symbol is visible when any of them holds. */
  readonly prompts: readonly Conditions[];
  /** In definition order; the first whose conditions are not n supplies the default. */
  readonly defaults: readonly { readonly value: KconfigExpression; readonly conditions: Conditions }[];
  /** One conjunction per definition (`depends on` plus enclosing `if`s); the OR of them bounds the value. */
  readonly directDependencies: readonly Conditions[];
  readonly selectedBy: readonly ReverseDependency[];
  readonly impliedBy: readonly ReverseDependency[];
}

/** The symbols of a tree by name, in order of first definition, and the warnings found while merging. */
export interface SymbolTable {
  readonly symbols: ReadonlyMap<string, KconfigSymbol>;
  readonly warnings: readonly KconfigWarning[];
}

interface SymbolDraft {
  type: SymbolType | undefined;
  readonly definitions: ConfigEntry[];
  readonly selectedBy: ReverseDependency[];
  readonly impliedBy: ReverseDependency[];
}

function entryDependencies(entry: ConfigEntry): Conditions {
  return [...entry.enclosingConditions, ...entry.dependsOn];
}

function guarded(entry: ConfigEntry, condition: KconfigExpression | undefined): Conditions {
  return condition === undefined ? entryDependencies(entry) : [...entryDependencies(entry), condition];
}

/** Merges the `config` entries of a tree into symbols (scripts/kconfig/menu.c menu_finalize). */
export function buildSymbolTable(tree: KconfigTree): SymbolTable {
  const drafts = new Map<string, SymbolDraft>();
  const warnings: KconfigWarning[] = [];
  const configEntries = tree.entries.filter(
    (entry): entry is ConfigEntry => entry.kind === 'config' || entry.kind === 'menuconfig',
  );
  for (const entry of configEntries) {
    const draft = drafts.get(entry.name) ?? {
      type: undefined,
      definitions: [],
      selectedBy: [],
      impliedBy: [],
    };
    drafts.set(entry.name, draft);
    draft.definitions.push(entry);
    if (draft.type === undefined) draft.type = entry.type;
    else if (entry.type !== undefined && entry.type !== draft.type) {
      warnings.push({
        kind: 'type-redefinition',
        symbol: entry.name,
        location: entry.location,
        message: `${entry.location.file}:${entry.location.line}: ignoring type redefinition of '${entry.name}' from '${draft.type}' to '${entry.type}'`,
      });
    }
  }
  for (const entry of configEntries) {
    for (const [relation, properties] of [
      ['selects', entry.selects],
      ['implies', entry.implies],
    ] as const) {
      for (const property of properties) {
        const target = drafts.get(property.symbol);
        const reverse = {
          selector: entry.name,
          conditions: guarded(entry, property.condition),
          location: property.location,
        };
        if (target === undefined) {
          warnings.push({
            kind: 'reverse-dependency-on-undefined-symbol',
            symbol: property.symbol,
            by: entry.name,
            location: property.location,
            message: `${property.location.file}:${property.location.line}: ${entry.name} ${relation} undefined symbol ${property.symbol}`,
          });
        } else (relation === 'selects' ? target.selectedBy : target.impliedBy).push(reverse);
      }
    }
  }
  const symbols = new Map<string, KconfigSymbol>();
  for (const [name, draft] of drafts) {
    const first = draft.definitions[0];
    if (draft.type === undefined && first !== undefined) {
      warnings.push({
        kind: 'untyped-symbol',
        symbol: name,
        location: first.location,
        message: `${first.location.file}:${first.location.line}: config symbol '${name}' is defined without a type`,
      });
    }
    symbols.set(name, {
      name,
      type: draft.type,
      definitions: draft.definitions,
      prompts: draft.definitions.flatMap((entry) =>
        entry.prompts.map((prompt) => guarded(entry, prompt.condition)),
      ),
      defaults: draft.definitions.flatMap((entry) =>
        entry.defaults.map((property) => ({
          value: property.value,
          conditions: guarded(entry, property.condition),
        })),
      ),
      directDependencies: draft.definitions.map(entryDependencies),
      selectedBy: draft.selectedBy,
      impliedBy: draft.impliedBy,
    });
  }
  return { symbols, warnings };
}
