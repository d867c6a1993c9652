/** A Kconfig tristate value as written in a `.config`: built in (`y`), module (`m`) or off (`n`). */
export type Tristate = 'y' | 'm' | 'n';

/**
 * The numeric form Kconfig computes with (scripts/kconfig/expr.h: no = 0, mod = 1, yes = 2), so that
 * `&&` is the minimum, `||` the maximum and `!x` is `2 - x`.
 */
export type TristateLevel = 0 | 1 | 2;

/** The numeric level of each tristate letter. */
export const TRISTATE_LEVEL: Readonly<Record<Tristate, TristateLevel>> = { n: 0, m: 1, y: 2 };

const TRISTATE_OF_LEVEL = ['n', 'm', 'y'] as const;

/** The tristate letter of a numeric level. */
export function tristateOf(level: TristateLevel): Tristate {
  return TRISTATE_OF_LEVEL[level];
}

/** Kconfig `&&` on tristates: the smaller of the two. */
export function andLevel(left: TristateLevel, right: TristateLevel): TristateLevel {
  return left < right ? left : right;
}

/** Kconfig `||` on tristates: the larger of the two. */
export function orLevel(left: TristateLevel, right: TristateLevel): TristateLevel {
  return left > right ? left : right;
}

/** Kconfig `!` on tristates: `!y = n`, `!m = m`, `!n = y`. */
export function notLevel(operand: TristateLevel): TristateLevel {
  return operand === 0 ? 2 : operand === 2 ? 0 : 1;
}
