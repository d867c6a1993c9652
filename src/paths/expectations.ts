import { tokenizeLine } from '../scenario/tokenize.ts';
import type { LineExpectation, StepLine } from './portable.ts';

/** A step line of a scenario file with its expectation. */
export interface ExpectedLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly text: string;
  readonly expect: LineExpectation;
}

/** The comment prefix that carries a step's expectation, on the line after the step. */
const EXPECT_PREFIX = '#=';

/** Renders step lines, each followed by its expectation comment. */
export function renderLines(lines: readonly StepLine[]): string[] {
  return lines.flatMap((l) => [l.text, `${EXPECT_PREFIX} ${JSON.stringify(l.expect)}`]);
}

/**
 * Reads the expectations of a scenario file: every `#= {json}` line belongs to the step line before it
 * (comments and blank lines in between are allowed). Throws on an expectation without a step or with
 * malformed JSON, naming the line.
 */
export function readExpectations(text: string): ExpectedLine[] {
  const out: ExpectedLine[] = [];
  let step: { line: number; text: string } | null = null;
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith(EXPECT_PREFIX)) {
      if (!step) throw new Error(`line ${i + 1}: an expectation without a step before it`);
      let expect: LineExpectation;
      try {
        expect = JSON.parse(trimmed.slice(EXPECT_PREFIX.length)) as LineExpectation;
      } catch (e) {
        throw new Error(`line ${i + 1}: malformed expectation: ${e instanceof Error ? e.message : e}`);
      }
      out.push({ line: step.line, text: step.text, expect });
      return;
    }
    if (tokenizeLine(raw).length > 0) step = { line: i + 1, text: trimmed };
  });
  return out;
}
