import type { PathSuite } from '../portable.ts';

/** `--format json`: the suite as one JSON document (portable: events with payloads and expectations). */
export function formatJson(suite: PathSuite): string {
  return `${JSON.stringify(suite)}\n`;
}

/** Reads a suite written by {@link formatJson}; throws when it is not one. */
export function parseSuite(text: string): PathSuite {
  const suite = JSON.parse(text) as PathSuite;
  if (suite?.format !== 'mdevspec-paths' || suite.version !== 1 || !Array.isArray(suite.paths))
    throw new Error('not an mdevspec paths suite (format "mdevspec-paths", version 1)');
  return suite;
}
