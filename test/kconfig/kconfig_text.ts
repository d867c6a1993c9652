import type { KconfigTree } from '../../src/kconfig/entries.ts';
import type { KconfigAssignments, KconfigEvaluation } from '../../src/kconfig/evaluate.ts';
import { evaluateKconfig } from '../../src/kconfig/evaluate.ts';
import { parseKconfig } from '../../src/kconfig/parser.ts';
import type { Tristate } from '../../src/kconfig/tristate.ts';

/** Joins lines into a Kconfig text, so tests can write attributes with explicit tabs. */
export function kconfig(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** Parses a single-file Kconfig named `Kconfig`; fails the test on a parse error. */
export function parseText(text: string): KconfigTree {
  const parsed = parseKconfig({ Kconfig: text }, 'Kconfig');
  if (!parsed.ok) throw new Error(`unexpected parse error: ${JSON.stringify(parsed.error)}`);
  return parsed.tree;
}

/** Parses and evaluates a single-file Kconfig. */
export function evaluateText(text: string, assignments: KconfigAssignments = {}): KconfigEvaluation {
  return evaluateKconfig(parseText(text), assignments);
}

/** The values of the named symbols, as an object for `toEqual`. */
export function valuesOf(
  evaluation: KconfigEvaluation,
  ...names: string[]
): Record<string, Tristate | undefined> {
  return Object.fromEntries(names.map((name) => [name, evaluation.symbols.get(name)]));
}
