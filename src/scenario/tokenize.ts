/** A token of a scenario line: its bytes (tokens may hold any byte, e.g. `\x00`) and their latin-1 text. */
export interface Token {
  readonly bytes: Uint8Array;
  readonly text: string;
}

function hexValue(c: string | undefined): number {
  if (c === undefined) return -1;
  const v = Number.parseInt(c, 16);
  return /^[0-9a-fA-F]$/.test(c) ? v : -1;
}

/**
 * Splits one scenario line into tokens, as the real-kernel runner does: whitespace separates tokens;
 * `"..."` quotes; the escapes `\n \r \t \0 \s \\ \" \xHH` work inside and outside quotes; `#` at the
 * start of a token begins a comment.
 */
export function tokenizeLine(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t' || line[i] === '\r') i++;
    if (i >= line.length || line[i] === '\n' || line[i] === '#') break;
    const bytes: number[] = [];
    let quoted = false;
    while (i < line.length && line[i] !== '\n') {
      const c = line[i]!;
      if (!quoted && (c === ' ' || c === '\t' || c === '\r')) break;
      if (c === '"') {
        quoted = !quoted;
        i++;
        continue;
      }
      if (c === '\\' && i + 1 < line.length) {
        const e = line[i + 1]!;
        i += 2;
        switch (e) {
          case 'n':
            bytes.push(10);
            break;
          case 'r':
            bytes.push(13);
            break;
          case 't':
            bytes.push(9);
            break;
          case 's':
            bytes.push(32);
            break;
          case '0':
            bytes.push(0);
            break;
          case 'x': {
            const hi = hexValue(line[i]);
            const lo = hi >= 0 ? hexValue(line[i + 1]) : -1;
            if (hi >= 0 && lo >= 0) {
              bytes.push(hi * 16 + lo);
              i += 2;
            } else {
              bytes.push(0x78);
            }
            break;
          }
          default:
            bytes.push(e.charCodeAt(0) & 0xff);
        }
        continue;
      }
      bytes.push(c.charCodeAt(0) & 0xff);
      i++;
    }
    const b = Uint8Array.from(bytes);
    tokens.push({ bytes: b, text: String.fromCharCode(...b) });
  }
  return tokens;
}
