import type {
  CommentEntry,
  ConfigEntry,
  KconfigEntry,
  KconfigTree,
  MenuEntry,
  SourceLocation,
  SymbolType,
} from './entries.ts';
import type { KconfigExpression } from './expression.ts';
import { parseExpression } from './expression_parser.ts';
import { readHelpBlock } from './help_text.ts';
import { tokenizeLine } from './lexer.ts';
import type { KconfigParseError } from './parse_error.ts';
import { describeToken, type Parsed, TokenCursor } from './token_cursor.ts';

/** Kconfig texts by path (e.g. `drivers/vfio/Kconfig`); `source "path"` looks paths up here. */
export type KconfigSourceFiles = Readonly<Record<string, string>>;

/** A parsed tree, or the first parse error with its file and line. */
export type KconfigParseResult =
  | { readonly ok: true; readonly tree: KconfigTree }
  | { readonly ok: false; readonly error: KconfigParseError };

/** An open `if` or `menu` block: its conditions apply to every entry until the matching `endif`/`endmenu`. */
interface OpenBlock {
  readonly kind: 'if' | 'menu';
  readonly conditions: readonly KconfigExpression[];
  readonly location: SourceLocation;
}

/** What is wrong with an attribute line, to be placed at its file and line; `undefined` when it is fine. */
type LineOutcome = string | undefined;

/** After a statement: the entry later attribute lines apply to, or the error that stops the parse. */
type StatementOutcome =
  | { readonly current: KconfigEntry | undefined }
  | { readonly error: KconfigParseError };

/**
 * Parses the Kconfig subset used by `drivers/vfio/Kconfig` starting at `rootFile` (scripts/kconfig/parser.y):
 * `config`, `menuconfig`, `menu`/`endmenu`, `if`/`endif`, `source`, `comment`, and the attributes `bool`,
 * `tristate`, `def_bool`, `def_tristate`, `prompt`, `depends on`, `select`, `imply`, `default` and
 * `help`/`---help---`. `source` paths are looked up in `files` and the sourced entries inherit the
 * enclosing `if`s. A missing file, an unclosed block or a bad line yields a {@link KconfigParseError}
 * naming the file and line (line 0 when the root file itself is missing).
 */
export function parseKconfig(files: KconfigSourceFiles, rootFile: string): KconfigParseResult {
  const parser = new KconfigParser(files);
  const error = parser.parseFile(rootFile, { file: rootFile, line: 0 });
  return error === undefined ? { ok: true, tree: parser.tree() } : { ok: false, error };
}

class KconfigParser {
  readonly #entries: KconfigEntry[] = [];
  readonly #filesRead: string[] = [];
  readonly #openBlocks: OpenBlock[] = [];
  readonly #sourceStack: string[] = [];

  constructor(private readonly files: KconfigSourceFiles) {}

  tree(): KconfigTree {
    return { entries: this.#entries, files: this.#filesRead };
  }

  /** Parses `path`; `sourcedAt` is where it was named, the place to blame when it is missing. */
  parseFile(path: string, sourcedAt: SourceLocation): KconfigParseError | undefined {
    const text = Object.hasOwn(this.files, path) ? this.files[path] : undefined;
    if (text === undefined) return { ...sourcedAt, message: `source file not found: "${path}"` };
    if (this.#sourceStack.includes(path)) return { ...sourcedAt, message: `recursive source of "${path}"` };
    this.#sourceStack.push(path);
    this.#filesRead.push(path);
    const error = this.#parseLines(path, text.split('\n'));
    this.#sourceStack.pop();
    return error;
  }

  #parseLines(file: string, lines: readonly string[]): KconfigParseError | undefined {
    const blocksOpenBefore = this.#openBlocks.length;
    let current: KconfigEntry | undefined;
    let index = 0;
    while (index < lines.length) {
      const location = { file, line: index + 1 };
      const line = lines[index] ?? '';
      const trimmed = line.trim();
      index += 1;
      if (trimmed === 'help' || trimmed === '---help---') {
        if (current?.kind !== 'config' && current?.kind !== 'menuconfig') {
          return { ...location, message: `'${trimmed}' outside a config entry` };
        }
        const block = readHelpBlock(lines, index);
        current.help = block.text;
        index = block.nextLineIndex;
        continue;
      }
      const lexed = tokenizeLine(line);
      if (!lexed.ok) return { ...location, message: lexed.message };
      if (lexed.tokens.length === 0) continue;
      const outcome = this.#parseStatement(
        new TokenCursor(lexed.tokens),
        location,
        blocksOpenBefore,
        current,
      );
      if ('error' in outcome) return outcome.error;
      current = outcome.current;
    }
    const unclosed = this.#openBlocks.at(-1);
    if (this.#openBlocks.length > blocksOpenBefore && unclosed !== undefined) {
      const closer = unclosed.kind === 'if' ? 'endif' : 'endmenu';
      return {
        ...unclosed.location,
        message: `'${unclosed.kind}' is not closed by '${closer}' before end of file`,
      };
    }
    return undefined;
  }

  /** Handles one statement line; yields the entry that later attribute lines apply to. */
  #parseStatement(
    cursor: TokenCursor,
    location: SourceLocation,
    blocksOpenBefore: number,
    current: KconfigEntry | undefined,
  ): StatementOutcome {
    const fail = (message: string): StatementOutcome => ({ error: { ...location, message } });
    const finish = (entry: KconfigEntry | undefined): StatementOutcome => {
      const unexpected = expectEndOfLine(cursor);
      return unexpected === undefined ? { current: entry } : fail(unexpected);
    };
    const keyword = cursor.next();
    if (keyword?.kind !== 'word') return fail(`unexpected ${describeToken(keyword)}`);
    switch (keyword.text) {
      case 'config':
      case 'menuconfig': {
        const name = cursor.next();
        if (name?.kind !== 'word') {
          return fail(`expected a symbol name after '${keyword.text}', found ${describeToken(name)}`);
        }
        const entry: ConfigEntry = {
          kind: keyword.text,
          name: name.text,
          location,
          type: undefined,
          prompts: [],
          defaults: [],
          selects: [],
          implies: [],
          dependsOn: [],
          enclosingConditions: this.#enclosingConditions(),
          help: undefined,
        };
        this.#entries.push(entry);
        return finish(entry);
      }
      case 'menu':
      case 'comment': {
        const title = expectString(cursor, keyword.text);
        if (!title.ok) return fail(title.message);
        const dependsOn: KconfigExpression[] = [];
        const base = { location, dependsOn, enclosingConditions: this.#enclosingConditions() };
        const entry: MenuEntry | CommentEntry =
          keyword.text === 'menu'
            ? { kind: 'menu', title: title.value, ...base }
            : { kind: 'comment', text: title.value, ...base };
        this.#entries.push(entry);
        if (entry.kind === 'menu') this.#openBlocks.push({ kind: 'menu', conditions: dependsOn, location });
        return finish(entry);
      }
      case 'if': {
        const condition = parseExpression(cursor);
        if (!condition.ok) return fail(condition.message);
        this.#openBlocks.push({ kind: 'if', conditions: [condition.value], location });
        return finish(undefined);
      }
      case 'endif':
      case 'endmenu': {
        const opener = keyword.text === 'endif' ? 'if' : 'menu';
        const block = this.#openBlocks.at(-1);
        if (this.#openBlocks.length <= blocksOpenBefore || block === undefined) {
          return fail(`'${keyword.text}' without a matching '${opener}'`);
        }
        if (block.kind !== opener) {
          const where = `${block.location.file}:${block.location.line}`;
          return fail(`'${keyword.text}' cannot close the '${block.kind}' opened at ${where}`);
        }
        this.#openBlocks.pop();
        return finish(undefined);
      }
      case 'source': {
        const path = expectString(cursor, keyword.text);
        if (!path.ok) return fail(path.message);
        const unexpected = expectEndOfLine(cursor);
        if (unexpected !== undefined) return fail(unexpected);
        const error = this.parseFile(path.value, location);
        return error === undefined ? { current: undefined } : { error };
      }
      default: {
        if (!ATTRIBUTE_KEYWORDS.has(keyword.text)) return fail(`unknown keyword '${keyword.text}'`);
        if (current === undefined) return fail(`'${keyword.text}' outside a config, menu or comment entry`);
        const problem = applyAttribute(keyword.text, cursor, current, location);
        return problem === undefined ? { current } : fail(problem);
      }
    }
  }

  #enclosingConditions(): KconfigExpression[] {
    return this.#openBlocks.flatMap((block) => block.conditions);
  }
}

const ATTRIBUTE_KEYWORDS: ReadonlySet<string> = new Set([
  'bool',
  'tristate',
  'def_bool',
  'def_tristate',
  'prompt',
  'depends',
  'select',
  'imply',
  'default',
]);

/** Applies one attribute line to the entry it follows; returns a message when the line is malformed. */
function applyAttribute(
  keyword: string,
  cursor: TokenCursor,
  entry: KconfigEntry,
  location: SourceLocation,
): LineOutcome {
  if (keyword === 'depends') {
    if (!cursor.nextIs('on')) return `expected 'on' after 'depends', found ${describeToken(cursor.peek())}`;
    cursor.next();
    const dependency = parseExpression(cursor);
    if (!dependency.ok) return dependency.message;
    entry.dependsOn.push(dependency.value);
    return expectEndOfLine(cursor);
  }
  if (entry.kind === 'menu' || entry.kind === 'comment')
    return `'${keyword}' is not allowed in a ${entry.kind}`;
  switch (keyword) {
    case 'bool':
    case 'tristate': {
      const typeError = setType(entry, keyword);
      if (typeError !== undefined) return typeError;
      if (cursor.peek()?.kind !== 'string') return expectEndOfLine(cursor);
      return parsePrompt(cursor, entry, location);
    }
    case 'prompt':
      return parsePrompt(cursor, entry, location);
    case 'def_bool':
    case 'def_tristate': {
      const typeError = setType(entry, keyword === 'def_bool' ? 'bool' : 'tristate');
      return typeError ?? parseDefault(cursor, entry, location);
    }
    case 'default':
      return parseDefault(cursor, entry, location);
    default: {
      const target = cursor.next();
      if (target?.kind !== 'word')
        return `expected a symbol after '${keyword}', found ${describeToken(target)}`;
      const condition = parseOptionalCondition(cursor);
      if (!condition.ok) return condition.message;
      const property = { symbol: target.text, condition: condition.value, location };
      (keyword === 'select' ? entry.selects : entry.implies).push(property);
      return undefined;
    }
  }
}

function setType(entry: ConfigEntry, type: SymbolType): LineOutcome {
  if (entry.type !== undefined && entry.type !== type) {
    return `type of ${entry.name} is already '${entry.type}', cannot also be '${type}'`;
  }
  entry.type = type;
  return undefined;
}

function parsePrompt(cursor: TokenCursor, entry: ConfigEntry, location: SourceLocation): LineOutcome {
  const text = expectString(cursor, 'prompt');
  if (!text.ok) return text.message;
  const condition = parseOptionalCondition(cursor);
  if (!condition.ok) return condition.message;
  entry.prompts.push({ text: text.value, condition: condition.value, location });
  return undefined;
}

function parseDefault(cursor: TokenCursor, entry: ConfigEntry, location: SourceLocation): LineOutcome {
  const value = parseExpression(cursor);
  if (!value.ok) return value.message;
  const condition = parseOptionalCondition(cursor);
  if (!condition.ok) return condition.message;
  entry.defaults.push({ value: value.value, condition: condition.value, location });
  return undefined;
}

/** Parses an optional trailing `if <expr>`, which must end the line. */
function parseOptionalCondition(cursor: TokenCursor): Parsed<KconfigExpression | undefined> {
  if (!cursor.nextIs('if')) {
    const unexpected = expectEndOfLine(cursor);
    return unexpected === undefined ? { ok: true, value: undefined } : { ok: false, message: unexpected };
  }
  cursor.next();
  const condition = parseExpression(cursor);
  if (!condition.ok) return condition;
  const unexpected = expectEndOfLine(cursor);
  return unexpected === undefined ? condition : { ok: false, message: unexpected };
}

/** Reads the quoted string that must follow `after` (the rest of the line is the caller's). */
function expectString(cursor: TokenCursor, after: string): Parsed<string> {
  const token = cursor.next();
  if (token?.kind !== 'string') {
    return { ok: false, message: `expected a quoted string after '${after}', found ${describeToken(token)}` };
  }
  return { ok: true, value: token.text };
}

function expectEndOfLine(cursor: TokenCursor): LineOutcome {
  return cursor.atEnd() ? undefined : `unexpected ${describeToken(cursor.peek())}`;
}
