/** How the kernel parses what a user writes to `create` and `remove`, as the atomic rules need it. */

/** `guid_parse` after `create_store`'s length check (§1.5): the lower-case UUID, or null. */
export function parsesAsUuid(data: string): string | null {
  if (data.length < 36 || data.length > 37) return null;
  const head = data.slice(0, 36);
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(head))
    return null;
  return head.toLowerCase();
}

/** `kstrtoul(buf, 0)` as `remove_store` uses it (§1.6): the value, or null when malformed or too big. */
export function removeValue(data: string): bigint | null {
  const s = data.split('\0')[0]!;
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(s);
  if (!m) return null;
  const d = m[1]!;
  const v = /^0[xX]/.test(d) ? BigInt(d) : d.startsWith('0') ? BigInt(`0o${d.slice(1) || '0'}`) : BigInt(d);
  return v > 0xffff_ffff_ffff_ffffn ? null : v;
}
