import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCS_DIAGRAMS, renderDocsDiagrams } from '../../src/diagram/docs_diagrams.ts';

const DIR = new URL(`../../${DOCS_DIAGRAMS.dir}/`, import.meta.url);
const STALE = `${DOCS_DIAGRAMS.dir}/ is out of date with machines/: run \`${DOCS_DIAGRAMS.regenerate}\` and commit ${DOCS_DIAGRAMS.dir}/`;

describe(`committed diagrams (${DOCS_DIAGRAMS.dir}/)`, async () => {
  const outputs = await renderDocsDiagrams();

  it('holds exactly the files a fresh rendering gives (none missing, none stale)', () => {
    const committed = existsSync(DIR) ? readdirSync(DIR).sort() : [];
    expect(committed, STALE).toEqual(outputs.map((o) => o.file).sort());
  });

  for (const o of outputs) {
    it(`${o.file} is byte for byte a fresh rendering`, () => {
      const path = new URL(o.file, DIR);
      const current = existsSync(path) && readFileSync(path, 'utf8') === o.content;
      expect(current, `${o.file}: ${STALE}`).toBe(true);
    });
  }
});
