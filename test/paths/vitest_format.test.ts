import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatVitest } from '../../src/paths/formats/vitest_format.ts';
import { generatePaths, toSuite } from '../../src/paths/generate.ts';

/**
 * The generated vitest file, run by vitest itself (in a child process, from a temporary directory): its
 * tests pass on the sample drivers and fail on a driver with a planted accounting bug.
 */

const ROOT = join(import.meta.dirname, '../..');
const LEAKY = join(import.meta.dirname, '../../examples/buggy-drivers/mtty-leaky-ports.ts');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mdevspec-paths-'));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs vitest on one file in the temporary directory; returns its JSON report. */
async function runVitest(
  file: string,
): Promise<{ numPassedTests: number; numFailedTests: number; message: string }> {
  const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
  const result = await promisify(execFile)(
    process.execPath,
    [vitest, 'run', file, '--root', dir, '--reporter', 'json'],
    {
      cwd: dir,
    },
  ).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: { assertionResults: { failureMessages: string[] }[] }[];
  };
  const message = report.testResults
    .flatMap((t) => t.assertionResults.flatMap((a) => a.failureMessages))
    .join('\n');
  return { numPassedTests: report.numPassedTests, numFailedTests: report.numFailedTests, message };
}

describe('--format vitest', () => {
  const suite = toSuite(generatePaths({ machine: 'system', profile: 'v6.1', slots: 2, goal: 'transitions' }));

  it('passes on the sample drivers, one test per path', async () => {
    await writeFile(join(dir, 'samples.test.ts'), formatVitest(suite, { outDir: dir, command: 'test' }));
    const report = await runVitest('samples.test.ts');
    expect(report.message).toBe('');
    expect(report).toMatchObject({ numPassedTests: suite.paths.length, numFailedTests: 0 });
  });

  it('fails on a driver that leaks ports, naming the step and the wrong available_instances', async () => {
    await writeFile(
      join(dir, 'leaky.test.ts'),
      formatVitest(suite, { outDir: dir, command: 'test', driver: LEAKY }),
    );
    const report = await runVitest('leaky.test.ts');
    expect(report.numFailedTests).toBeGreaterThan(0);
    expect(report.message).toMatch(/create mtty mtty-1 00000000-0000-4000-8000-000000000001/);
    expect(report.message).toMatch(/state\.avail/);
  });
});
