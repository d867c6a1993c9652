import type { KconfigToken } from './lexer.ts';

/** A parse step's outcome: a value, or a message that the caller places at a file and line. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

/** A read position in the tokens of one Kconfig line. */
export class TokenCursor {
  #position = 0;

  constructor(private readonly tokens: readonly KconfigToken[]) {}

  /** The next token without consuming it; `undefined` at the end of the line. */
  peek(): KconfigToken | undefined {
    return this.tokens[this.#position];
  }

  /** Consumes and returns the next token; `undefined` at the end of the line. */
  next(): KconfigToken | undefined {
    const token = this.tokens[this.#position];
    if (token !== undefined) this.#position += 1;
    return token;
  }

  /** True when the next token is the given bare word or operator. */
  nextIs(text: string): boolean {
    const token = this.peek();
    return token !== undefined && token.kind !== 'string' && token.text === text;
  }

  /** True when every token has been consumed. */
  atEnd(): boolean {
    return this.#position >= this.tokens.length;
  }
}

/** How a token is named in messages: words and operators in single quotes, strings in double quotes. */
export function describeToken(token: KconfigToken | undefined): string {
  if (token === undefined) return 'end of line';
  return token.kind === 'string' ? JSON.stringify(token.text) : `'${token.text}'`;
}
