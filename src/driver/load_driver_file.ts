import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { VendorDriver } from './vendor_driver.ts';

/**
 * Loads a vendor driver file (TypeScript or JavaScript; its default export made with `defineVendorDriver`)
 * for `mdevspec check --driver FILE`. Returns the driver with the absolute path it came from, or a message
 * saying why the file cannot be used.
 */
export async function loadDriverFile(file: string): Promise<{ driver: VendorDriver; path: string } | string> {
  const path = resolve(file);
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (e) {
    return `cannot load driver file ${file}: ${(e as Error).message.split('\n')[0]}`;
  }
  const d = mod.default as Partial<VendorDriver> | undefined;
  const problems: string[] = [];
  if (!d || typeof d !== 'object')
    problems.push('it has no default export (use `export default defineVendorDriver({...})`)');
  else {
    if (typeof d.name !== 'string') problems.push('`name` must be a string');
    if (d.kernel !== 'v4.10' && d.kernel !== 'v6.1') problems.push("`kernel` must be 'v4.10' or 'v6.1'");
    if (typeof d.module !== 'string') problems.push('`module` must be the module name');
    if (typeof d.create !== 'function') problems.push('`create` must be a function returning a ModuleDef');
    if (typeof d.accounting !== 'object' || d.accounting === null || typeof d.accounting.types !== 'object') {
      problems.push('`accounting` must describe the types, their costs and the pool');
    }
  }
  if (problems.length) return `driver file ${file}: ${problems.join('; ')}`;
  return { driver: d as VendorDriver, path };
}
