import { EINVAL } from '../kernel/errno.ts';

/** `UUID_STRING_LEN`: 36 characters, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
export const UUID_STRING_LEN = 36;

const HYPHENS = new Set([8, 13, 18, 23]);

/**
 * `guid_parse()` (lib/uuid.c) of a C string: only the first 36 characters are checked (hyphens at 8, 13,
 * 18, 23; hex digits of either case elsewhere); whatever follows is not looked at. Returns the canonical
 * device name (`%pUl`: lower case, same byte order) or -EINVAL. A NUL byte ends the string, as `kstrndup`
 * would.
 */
export function guidParse(bytes: Uint8Array): string | number {
  if (bytes.length < UUID_STRING_LEN) return -EINVAL;
  let out = '';
  for (let i = 0; i < UUID_STRING_LEN; i++) {
    const c = bytes[i]!;
    if (HYPHENS.has(i)) {
      if (c !== 0x2d) return -EINVAL;
      out += '-';
    } else {
      const ch = String.fromCharCode(c);
      if (!/^[0-9a-fA-F]$/.test(ch)) return -EINVAL;
      out += ch.toLowerCase();
    }
  }
  return out;
}
