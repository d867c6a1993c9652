/** One token of a Kconfig line: a bare word (keyword, symbol or `y`/`m`/`n`), a quoted string or an operator. */
export type KconfigToken =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'operator'; readonly text: '!' | '!=' | '=' | '&&' | '||' | '(' | ')' };

/** The tokens of one line, or why the line cannot be tokenized (the parser adds file and line). */
export type LineTokens =
  | { readonly ok: true; readonly tokens: readonly KconfigToken[] }
  | { readonly ok: false; readonly message: string };

const WORD_CHARACTER = /[A-Za-z0-9_]/;
const TWO_CHARACTER_OPERATORS = ['!=', '&&', '||'] as const;
const ONE_CHARACTER_OPERATORS = ['!', '=', '(', ')'] as const;

/**
 * Splits one Kconfig line into tokens (scripts/kconfig/lexer.l, PARAM state): words of `[A-Za-z0-9_]`,
 * strings in double or single quotes with backslash escapes, the operators `! != = && || ( )`, and a `#`
 * comment running to the end of the line. Columns in messages are 1-based.
 */
export function tokenizeLine(line: string): LineTokens {
  const tokens: KconfigToken[] = [];
  let index = 0;
  while (index < line.length) {
    const character = line.charAt(index);
    if (character === ' ' || character === '\t' || character === '\r') {
      index += 1;
    } else if (character === '#') {
      break;
    } else if (WORD_CHARACTER.test(character)) {
      const start = index;
      while (index < line.length && WORD_CHARACTER.test(line.charAt(index))) index += 1;
      tokens.push({ kind: 'word', text: line.slice(start, index) });
    } else if (character === '"' || character === "'") {
      const start = index;
      let text = '';
      index += 1;
      while (index < line.length && line.charAt(index) !== character) {
        if (line.charAt(index) === '\\' && index + 1 < line.length) index += 1;
        text += line.charAt(index);
        index += 1;
      }
      if (index >= line.length) return { ok: false, message: `unterminated string at column ${start + 1}` };
      index += 1;
      tokens.push({ kind: 'string', text });
    } else {
      const pair = TWO_CHARACTER_OPERATORS.find((operator) => line.startsWith(operator, index));
      const single = ONE_CHARACTER_OPERATORS.find((operator) => operator === character);
      const operator = pair ?? single;
      if (operator === undefined) {
        return { ok: false, message: `unexpected character '${character}' at column ${index + 1}` };
      }
      tokens.push({ kind: 'operator', text: operator });
      index += operator.length;
    }
  }
  return { ok: true, tokens };
}
