/**
 * An operand of `=` / `!=`: a symbol or a constant. Kconfig compares the string values of the two sides,
 * which for a bool/tristate symbol is its letter `y`, `m` or `n`.
 */
export type KconfigOperand =
  | { readonly kind: 'symbol'; readonly name: string }
  /** `y`, `m`, `n` written bare, or any quoted string. */
  | { readonly kind: 'constant'; readonly value: string };

/** A Kconfig expression (scripts/kconfig/expr.h, restricted to what `drivers/vfio/Kconfig` uses). */
export type KconfigExpression =
  | KconfigOperand
  | { readonly kind: 'not'; readonly operand: KconfigExpression }
  | { readonly kind: 'and' | 'or'; readonly left: KconfigExpression; readonly right: KconfigExpression }
  | { readonly kind: 'equal' | 'unequal'; readonly left: KconfigOperand; readonly right: KconfigOperand };

const PRECEDENCE = { or: 1, and: 2, equal: 3, unequal: 3, not: 4, symbol: 5, constant: 5 } as const;

/** Renders an expression in Kconfig syntax with only the parentheses it needs, e.g. `VFIO && (A || B)`. */
export function formatExpression(expression: KconfigExpression): string {
  const wrap = (inner: KconfigExpression, minimum: number): string => {
    const text = formatExpression(inner);
    return PRECEDENCE[inner.kind] < minimum ? `(${text})` : text;
  };
  switch (expression.kind) {
    case 'symbol':
      return expression.name;
    case 'constant':
      return ['y', 'm', 'n'].includes(expression.value) ? expression.value : JSON.stringify(expression.value);
    case 'not':
      return `!${wrap(expression.operand, PRECEDENCE.not)}`;
    case 'and':
      return `${wrap(expression.left, PRECEDENCE.and)} && ${wrap(expression.right, PRECEDENCE.and)}`;
    case 'or':
      return `${wrap(expression.left, PRECEDENCE.or)} || ${wrap(expression.right, PRECEDENCE.or)}`;
    case 'equal':
      return `${formatExpression(expression.left)} = ${formatExpression(expression.right)}`;
    case 'unequal':
      return `${formatExpression(expression.left)} != ${formatExpression(expression.right)}`;
  }
}
