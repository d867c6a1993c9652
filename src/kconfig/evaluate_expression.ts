import type { KconfigExpression, KconfigOperand } from './expression.ts';
import { andLevel, notLevel, orLevel, type TristateLevel, tristateOf } from './tristate.ts';

/** What evaluating an expression needs: every symbol's current level, and the value of MODULES. */
export interface ExpressionEnvironment {
  /** The current level of a symbol; symbols no entry defines are n. */
  level(name: string): TristateLevel;
  /** The value of MODULES (y when the tree does not define MODULES). */
  readonly modules: TristateLevel;
}

/**
 * Where an expression is used. In a `condition` (`depends on`, `if` blocks, the `if` of a property) the
 * constant `m` means `m && MODULES`, as scripts/kconfig/menu.c rewrite_m makes it; in a `value` (the
 * expression of a `default`) it is plain m.
 */
export type ExpressionRole = 'condition' | 'value';

function stringValue(operand: KconfigOperand, environment: ExpressionEnvironment): string {
  return operand.kind === 'constant' ? operand.value : tristateOf(environment.level(operand.name));
}

/**
 * Evaluates an expression with Kconfig's tristate arithmetic (scripts/kconfig/expr.c expr_calc_value):
 * `&&` is the minimum, `||` the maximum, `!x` is `2 - x`, and `=` / `!=` compare string values and give y
 * or n. A quoted constant other than "y"/"m"/"n" is n as a tristate.
 */
export function evaluateExpression(
  expression: KconfigExpression,
  environment: ExpressionEnvironment,
  role: ExpressionRole,
): TristateLevel {
  switch (expression.kind) {
    case 'symbol':
      return environment.level(expression.name);
    case 'constant':
      if (expression.value === 'y') return 2;
      if (expression.value === 'm') return role === 'condition' ? andLevel(1, environment.modules) : 1;
      return 0;
    case 'not':
      return notLevel(evaluateExpression(expression.operand, environment, role));
    case 'and':
      return andLevel(
        evaluateExpression(expression.left, environment, role),
        evaluateExpression(expression.right, environment, role),
      );
    case 'or':
      return orLevel(
        evaluateExpression(expression.left, environment, role),
        evaluateExpression(expression.right, environment, role),
      );
    case 'equal':
    case 'unequal': {
      const same = stringValue(expression.left, environment) === stringValue(expression.right, environment);
      return same === (expression.kind === 'equal') ? 2 : 0;
    }
  }
}

/** The AND of a list of conditions; y for an empty list (no dependency). */
export function evaluateConditions(
  conditions: readonly KconfigExpression[],
  environment: ExpressionEnvironment,
): TristateLevel {
  let level: TristateLevel = 2;
  for (const condition of conditions) {
    level = andLevel(level, evaluateExpression(condition, environment, 'condition'));
  }
  return level;
}
