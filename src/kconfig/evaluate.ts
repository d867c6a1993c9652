import type { KconfigTree, SymbolType } from './entries.ts';
import { type ExpressionEnvironment, evaluateConditions, evaluateExpression } from './evaluate_expression.ts';
import { formatExpression, type KconfigExpression } from './expression.ts';
import {
  buildSymbolTable,
  type Conditions,
  type KconfigSymbol,
  type ReverseDependency,
} from './symbol_table.ts';
import {
  andLevel,
  orLevel,
  TRISTATE_LEVEL,
  type Tristate,
  type TristateLevel,
  tristateOf,
} from './tristate.ts';
import type { KconfigWarning } from './warnings.ts';

/** User choices, as a `.config` holds them: `{ VFIO: 'm', VFIO_NOIOMMU: 'y' }`. Unset symbols are left out. */
export type KconfigAssignments = Readonly<Record<string, Tristate>>;

/** The value of every defined symbol, and what the kernel's Kconfig tools would have warned about. */
export interface KconfigEvaluation {
  readonly symbols: ReadonlyMap<string, Tristate>;
  readonly warnings: readonly KconfigWarning[];
}

/**
 * The symbol that enables loadable modules (the kernel marks it with the `modules` attribute). While it is
 * n, every tristate behaves as a bool; when the tree does not define it, modules count as enabled.
 */
export const MODULES_SYMBOL = 'MODULES';

/** One symbol's value and the two bounds that produced it. */
interface SymbolCalculation {
  readonly value: TristateLevel;
  /** The OR over definitions of `depends on` plus enclosing `if`s: the upper bound for user values. */
  readonly directDependency: TristateLevel;
  /** The OR of every `selector && condition` aimed at the symbol: the lower bound. */
  readonly reverseDependency: TristateLevel;
}

/**
 * Evaluates a Kconfig tree against user assignments with the kernel's tristate rules
 * (scripts/kconfig/symbol.c sym_calc_value), iterated until no value changes:
 * - a symbol with a visible prompt takes the user's value bounded above by its visibility (prompt
 *   condition AND `depends on` AND enclosing `if`s); a symbol without one ignores assignments;
 * - otherwise it takes its first `default` whose condition is not n, bounded by that condition, raised by
 *   `imply` up to its direct dependencies;
 * - then every `select` raises it from below, even past its dependencies (that case is warned about like
 *   "WARNING: unmet direct dependencies detected");
 * - a bool never ends as m: m becomes y (so a visible bool depending on an m symbol can be set to y, as in
 *   the kernel); with MODULES=n every tristate is treated as a bool.
 * Symbols referenced but never defined are n; assignments to them are warned about and ignored.
 */
export function evaluateKconfig(tree: KconfigTree, assignments: KconfigAssignments = {}): KconfigEvaluation {
  const table = buildSymbolTable(tree);
  const warnings: KconfigWarning[] = [...table.warnings];
  const userLevels = validateAssignments(table.symbols, assignments, warnings);
  const levels = new Map<string, TristateLevel>([...table.symbols.keys()].map((name) => [name, 0]));
  const environment: ExpressionEnvironment = {
    level: (name) => levels.get(name) ?? 0,
    get modules() {
      return table.symbols.has(MODULES_SYMBOL) ? (levels.get(MODULES_SYMBOL) ?? 0) : 2;
    },
  };
  let changing: string[] = [];
  for (let pass = 0; pass <= table.symbols.size + 1; pass += 1) {
    changing = [];
    for (const symbol of table.symbols.values()) {
      const value = calculateSymbol(symbol, environment, userLevels.get(symbol.name)).value;
      if (value !== levels.get(symbol.name)) {
        levels.set(symbol.name, value);
        changing.push(symbol.name);
      }
    }
    if (changing.length === 0) break;
  }
  if (changing.length > 0) {
    warnings.push({
      kind: 'no-fixed-point',
      symbols: changing,
      message: `values do not settle (recursive dependency?): ${changing.join(', ')}`,
    });
  }
  for (const symbol of table.symbols.values()) {
    const calculation = calculateSymbol(symbol, environment, userLevels.get(symbol.name));
    if (calculation.directDependency < calculation.reverseDependency) {
      warnings.push(unmetDependencyWarning(symbol, calculation, environment));
    }
  }
  const symbols = new Map<string, Tristate>();
  for (const [name, level] of levels) symbols.set(name, tristateOf(level));
  return { symbols, warnings };
}

function validateAssignments(
  symbols: ReadonlyMap<string, KconfigSymbol>,
  assignments: KconfigAssignments,
  warnings: KconfigWarning[],
): Map<string, TristateLevel> {
  const levels = new Map<string, TristateLevel>();
  for (const [name, value] of Object.entries(assignments)) {
    const symbol = symbols.get(name);
    if (symbol === undefined) {
      warnings.push({
        kind: 'unknown-symbol-assignment',
        symbol: name,
        message: `ignoring assignment ${name}=${value}: unknown symbol`,
      });
    } else if (symbol.type === 'bool' && value === 'm') {
      warnings.push({
        kind: 'invalid-assignment',
        symbol: name,
        value,
        message: `ignoring assignment ${name}=m: ${name} is a bool`,
      });
    } else levels.set(name, TRISTATE_LEVEL[value]);
  }
  return levels;
}

/** The type the symbol behaves as: a tristate is a bool while modules are disabled (symbol.c sym_get_type). */
function effectiveType(symbol: KconfigSymbol, environment: ExpressionEnvironment): SymbolType | undefined {
  return symbol.type === 'tristate' && environment.modules === 0 ? 'bool' : symbol.type;
}

function promoteModuleToYes(level: TristateLevel, type: SymbolType | undefined): TristateLevel {
  return level === 1 && type === 'bool' ? 2 : level;
}

function anyOf(alternatives: readonly Conditions[], environment: ExpressionEnvironment): TristateLevel {
  let level: TristateLevel = 0;
  for (const conditions of alternatives) level = orLevel(level, evaluateConditions(conditions, environment));
  return level;
}

function reverseDependencyLevel(
  reverse: ReverseDependency,
  environment: ExpressionEnvironment,
): TristateLevel {
  return andLevel(environment.level(reverse.selector), evaluateConditions(reverse.conditions, environment));
}

function anyReverseDependency(
  reverses: readonly ReverseDependency[],
  environment: ExpressionEnvironment,
): TristateLevel {
  let level: TristateLevel = 0;
  for (const reverse of reverses) level = orLevel(level, reverseDependencyLevel(reverse, environment));
  return level;
}

/** One step of scripts/kconfig/symbol.c sym_calc_visibility + sym_calc_value for a bool/tristate symbol. */
function calculateSymbol(
  symbol: KconfigSymbol,
  environment: ExpressionEnvironment,
  userLevel: TristateLevel | undefined,
): SymbolCalculation {
  if (symbol.type === undefined) return { value: 0, directDependency: 2, reverseDependency: 0 };
  const type = effectiveType(symbol, environment);
  // The kernel also turns an m visibility (and an m imply) into y for a bool; the final m -> y has the same
  // effect. The two bounds are promoted because the unmet-dependency warning compares them.
  const visibility = anyOf(symbol.prompts, environment);
  const directDependency = promoteModuleToYes(anyOf(symbol.directDependencies, environment), type);
  const reverseDependency = promoteModuleToYes(anyReverseDependency(symbol.selectedBy, environment), type);
  let value: TristateLevel = 0;
  if (visibility > 0 && userLevel !== undefined) {
    value = andLevel(userLevel, visibility);
  } else {
    const active = symbol.defaults.find(
      (property) => evaluateConditions(property.conditions, environment) > 0,
    );
    if (active !== undefined) {
      value = andLevel(
        evaluateExpression(active.value, environment, 'value'),
        evaluateConditions(active.conditions, environment),
      );
    }
    const implied = anyReverseDependency(symbol.impliedBy, environment);
    if (implied > 0) value = andLevel(orLevel(value, implied), directDependency);
  }
  value = orLevel(value, reverseDependency);
  return { value: promoteModuleToYes(value, type), directDependency, reverseDependency };
}

function allOf(conditions: Conditions): KconfigExpression {
  const [first, ...rest] = conditions;
  if (first === undefined) return { kind: 'constant', value: 'y' };
  return rest.reduce<KconfigExpression>((left, right) => ({ kind: 'and', left, right }), first);
}

function unmetDependencyWarning(
  symbol: KconfigSymbol,
  calculation: SymbolCalculation,
  environment: ExpressionEnvironment,
): KconfigWarning {
  const selectedBy = [
    ...new Set(
      symbol.selectedBy
        .filter((reverse) => reverseDependencyLevel(reverse, environment) > 0)
        .map((reverse) => reverse.selector),
    ),
  ];
  const dependsOn = tristateOf(calculation.directDependency);
  const selectedAs = tristateOf(calculation.reverseDependency);
  const dependencyText = symbol.directDependencies
    .map((conditions) => formatExpression(allOf(conditions)))
    .join(' || ');
  return {
    kind: 'unmet-direct-dependencies',
    symbol: symbol.name,
    dependsOn,
    selectedAs,
    selectedBy,
    message:
      `WARNING: unmet direct dependencies detected for ${symbol.name}: ` +
      `depends on [${dependsOn}] ${dependencyText}, selected by [${selectedAs}] ${selectedBy.join(', ')}`,
  };
}
