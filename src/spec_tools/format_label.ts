/**
 * Formats a guard or action parameter value: lists as `a|b`, objects as `k=v, …` (leaving out empty
 * lists, which impose nothing), scalars as text.
 */
function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join('|');
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(', ');
  }
  return String(value);
}

/** `name` or `name(param=value, …)` for a parameterized object `{ type, params }`. */
function formatNamed(type: string, params: unknown): string {
  const text = params === undefined ? '' : formatValue(params);
  return text ? `${type}(${text})` : type;
}

/**
 * A guard as text: a named guard `name`, a parameterized guard `name(param=value, …)` (lists as `a|b`),
 * XState's `and`/`or`/`not` combinators with their operands, or an inline function's name.
 */
export function formatGuard(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const operands = (guard as { guards?: readonly unknown[] }).guards;
    const name = guard.name || 'guard';
    return operands ? `${name}(${operands.map(formatGuard).join(', ')})` : name;
  }
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    return formatNamed(String(type), params);
  }
  return String(guard);
}

/** An action as text: a named action, `name(param=value, …)`, or an inline action's type or name. */
export function formatAction(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const type = (action as { type?: unknown }).type;
    return typeof type === 'string' ? type.replace(/^xstate\./, '') : action.name || 'action';
  }
  if (typeof action === 'object' && action !== null && 'type' in action) {
    const { type, params } = action as { type: unknown; params?: unknown };
    return formatNamed(String(type), typeof params === 'function' ? undefined : params);
  }
  return String(action);
}
