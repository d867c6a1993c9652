/** A Mermaid state id this project emits: an identifier (Mermaid's lexer stops ids at `-`, `:`, spaces, `{`). */
const ID = '[A-Za-z_][A-Za-z0-9_]*';
/** Text after `:` (descriptions, edge labels): the grammar ends it at `:`, `;` and newlines; no HTML. */
const TEXT = '[^:;\\n"<>&]+';

/** The only line shapes the renderer may produce, each a rule of Mermaid's stateDiagram grammar. */
const LINE_RULES: readonly RegExp[] = [
  /^stateDiagram-v2$/,
  /^%% [^\n]*$/,
  new RegExp(`^state "[^"\\n]+" as (${ID})$`),
  new RegExp(`^state (${ID}) \\{$`),
  /^\}$/,
  /^--$/,
  new RegExp(`^\\[\\*\\] --> (${ID})$`),
  new RegExp(`^(${ID}) --> \\[\\*\\]$`),
  new RegExp(`^(${ID}) --> (${ID}) : ${TEXT}$`),
  new RegExp(`^(${ID}) : ${TEXT}$`),
  new RegExp(`^classDef ${ID} [a-z-]+:[^;\\s]+(,[a-z-]+:[^;\\s]+)*$`),
  new RegExp(`^class (${ID}(?:,${ID})*) ${ID}$`),
];

/**
 * Checks Mermaid text against the subset of `stateDiagram-v2` that GitHub's Mermaid accepts and this
 * project emits: every line matches one rule, braces balance, `--` appears only inside a composite, every
 * id used by an edge, a description or a `class` line is declared with `state "…" as id`, no id is
 * declared twice, and no line contains a word the lexer treats specially out of place (`direction`).
 * Returns the problems found. A static check: Mermaid's own parser needs a DOM and is not a dependency
 * (the rules were cross-checked by rendering every registry machine with Mermaid 11 in Chromium).
 */
export function mermaidProblems(text: string): string[] {
  const problems: string[] = [];
  const declared = new Set<string>();
  const used: string[] = [];
  let depth = 0;
  const lines = text.replace(/\n$/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `line ${i + 1}: ${line}`;
    if (i === 0 && line !== 'stateDiagram-v2') problems.push(`${where}: must start with stateDiagram-v2`);
    if (/\bdirection\b/.test(line)) problems.push(`${where}: "direction" is a lexer keyword`);
    const rule = LINE_RULES.find((r) => r.test(line));
    if (!rule) {
      problems.push(`${where}: not an accepted line`);
      return;
    }
    const m = line.match(rule);
    if (line.startsWith('state "')) {
      const id = m?.[1] ?? '';
      if (declared.has(id)) problems.push(`${where}: ${id} declared twice`);
      declared.add(id);
    } else if (line.endsWith('{')) {
      used.push(m?.[1] ?? '');
      depth++;
    } else if (line === '}') {
      depth--;
      if (depth < 0) problems.push(`${where}: unbalanced }`);
    } else if (line === '--') {
      if (depth === 0) problems.push(`${where}: -- outside a composite`);
    } else if (line.startsWith('class ')) {
      used.push(...(m?.[1] ?? '').split(','));
    } else if (line.includes('-->') || / : /.test(line)) {
      used.push(...[m?.[1], m?.[2]].filter((x): x is string => Boolean(x)));
    }
  });
  if (depth !== 0) problems.push(`unbalanced braces (depth ${depth})`);
  for (const id of used) if (!declared.has(id)) problems.push(`${id} used but not declared`);
  return problems;
}
