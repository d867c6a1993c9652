/** A help block read from a Kconfig file and the index of the first line after it. */
export interface HelpBlock {
  readonly text: string;
  readonly nextLineIndex: number;
}

const TAB_WIDTH = 8;

function indentationWidth(line: string): number {
  let width = 0;
  for (const character of line) {
    if (character === ' ') width += 1;
    else if (character === '\t') width = (Math.floor(width / TAB_WIDTH) + 1) * TAB_WIDTH;
    else break;
  }
  return width;
}

function stripIndentation(line: string, width: number): string {
  const content = line.trimStart();
  return ' '.repeat(indentationWidth(line) - width) + content;
}

/**
 * Reads the text of a `help` / `---help---` block starting at `firstLineIndex` (scripts/kconfig/lexer.l,
 * HELP state): the first non-blank line sets the indentation (tabs count to the next multiple of 8); the
 * block ends at the first non-blank line indented less. That indentation is removed, blank lines inside
 * are kept and trailing blank lines dropped.
 */
export function readHelpBlock(lines: readonly string[], firstLineIndex: number): HelpBlock {
  let index = firstLineIndex;
  while (index < lines.length && lines[index]?.trim() === '') index += 1;
  const indentation = indentationWidth(lines[index] ?? '');
  const text: string[] = [];
  if (indentation > 0) {
    for (; index < lines.length; index += 1) {
      const line = (lines[index] ?? '').replace(/\r$/, '');
      if (line.trim() === '') text.push('');
      else if (indentationWidth(line) >= indentation) text.push(stripIndentation(line, indentation));
      else break;
    }
  }
  while (text.at(-1) === '') text.pop();
  return { text: text.join('\n'), nextLineIndex: index };
}
