import type { KconfigExpression, KconfigOperand } from './expression.ts';
import { describeToken, type Parsed, type TokenCursor } from './token_cursor.ts';

/**
 * Parses a Kconfig expression (scripts/kconfig/parser.y `expr`): `||` binds loosest, then `&&`, then `!`;
 * `=` and `!=` compare two operands; parentheses group. Stops before a trailing `if` or the end of the
 * line, which the caller handles.
 */
export function parseExpression(cursor: TokenCursor): Parsed<KconfigExpression> {
  return parseBinary(cursor, '||', 'or', () => parseBinary(cursor, '&&', 'and', () => parseUnary(cursor)));
}

function parseBinary(
  cursor: TokenCursor,
  operator: '&&' | '||',
  kind: 'and' | 'or',
  parseOperand: () => Parsed<KconfigExpression>,
): Parsed<KconfigExpression> {
  const first = parseOperand();
  if (!first.ok) return first;
  let left = first.value;
  while (cursor.nextIs(operator)) {
    cursor.next();
    const right = parseOperand();
    if (!right.ok) return right;
    left = { kind, left, right: right.value };
  }
  return { ok: true, value: left };
}

function parseUnary(cursor: TokenCursor): Parsed<KconfigExpression> {
  if (cursor.nextIs('!')) {
    cursor.next();
    const operand = parseUnary(cursor);
    return operand.ok ? { ok: true, value: { kind: 'not', operand: operand.value } } : operand;
  }
  if (cursor.nextIs('(')) {
    cursor.next();
    const inner = parseExpression(cursor);
    if (!inner.ok) return inner;
    if (!cursor.nextIs(')'))
      return { ok: false, message: `expected ')', found ${describeToken(cursor.peek())}` };
    cursor.next();
    return inner;
  }
  const left = parseOperand(cursor);
  if (!left.ok) return left;
  const comparison = cursor.nextIs('=') ? 'equal' : cursor.nextIs('!=') ? 'unequal' : undefined;
  if (comparison === undefined) return left;
  cursor.next();
  const right = parseOperand(cursor);
  if (!right.ok) return right;
  return { ok: true, value: { kind: comparison, left: left.value, right: right.value } };
}

function parseOperand(cursor: TokenCursor): Parsed<KconfigOperand> {
  const token = cursor.peek();
  if (token?.kind === 'string') {
    cursor.next();
    return { ok: true, value: { kind: 'constant', value: token.text } };
  }
  if (token?.kind === 'word' && token.text !== 'if') {
    cursor.next();
    const isConstant = token.text === 'y' || token.text === 'm' || token.text === 'n';
    return {
      ok: true,
      value: isConstant ? { kind: 'constant', value: token.text } : { kind: 'symbol', name: token.text },
    };
  }
  return { ok: false, message: `expected an expression, found ${describeToken(token)}` };
}
