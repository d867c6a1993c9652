/**
 * Regenerates the committed diagrams (`npm run diagrams`): renders every registry machine for both
 * profiles in every format into `docs/diagrams/` and deletes the files there that no machine renders any
 * more, so the directory is exactly what `test/diagram/docs_current.test.ts` expects.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCS_DIAGRAMS, renderDocsDiagrams } from './docs_diagrams.ts';

const dir = fileURLToPath(new URL(`../../${DOCS_DIAGRAMS.dir}/`, import.meta.url));
const outputs = await renderDocsDiagrams();
const current = new Set(outputs.map((o) => o.file));
await mkdir(dir, { recursive: true });
const stale = (await readdir(dir)).filter((f) => !current.has(f));
for (const f of stale) await rm(join(dir, f), { recursive: true });
for (const o of outputs) await writeFile(join(dir, o.file), o.content);
process.stderr.write(
  `wrote ${outputs.length} files to ${DOCS_DIAGRAMS.dir}${stale.length ? `, deleted ${stale.join(', ')}` : ''}\n`,
);
