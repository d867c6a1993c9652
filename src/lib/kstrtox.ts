import { EINVAL, ERANGE } from '../kernel/errno.ts';

/**
 * `kstrtoull(s, 0, &res)` / `kstrtoul` on 64-bit (lib/kstrtox.c): an optional `+`, then a number in base
 * 10, 8 (leading `0`) or 16 (leading `0x` followed by a hex digit), then at most one `\n`, then the end of
 * the string (a NUL ends it). No spaces, no `-`. Overflow of 64 bits is -ERANGE; anything else malformed
 * is -EINVAL. Returns the value as a bigint.
 */
export function kstrtoull(bytes: Uint8Array): bigint | number {
  let s = cString(bytes);
  if (s.startsWith('+')) s = s.slice(1);
  let base = 10n;
  let i = 0;
  if (s[0] === '0') {
    if (s[1]?.toLowerCase() === 'x' && /^[0-9a-fA-F]$/.test(s[2] ?? '')) {
      base = 16n;
      i = 2;
    } else {
      base = 8n;
    }
  }
  let value = 0n;
  let digits = 0;
  let overflow = false;
  for (; i < s.length; i++) {
    const d = digitValue(s[i]!);
    if (d === undefined || BigInt(d) >= base) break;
    value = value * base + BigInt(d);
    if (value > 0xffff_ffff_ffff_ffffn) overflow = true;
    digits++;
  }
  if (overflow) return -ERANGE;
  if (digits === 0) return -EINVAL;
  let rest = s.slice(i);
  if (rest.startsWith('\n')) rest = rest.slice(1);
  if (rest.length > 0) return -EINVAL;
  return value;
}

function cString(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  return String.fromCharCode(...bytes.subarray(0, end));
}

function digitValue(c: string): number | undefined {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  const l = c.toLowerCase();
  if (l >= 'a' && l <= 'f') return l.charCodeAt(0) - 87;
  return undefined;
}
