/**
 * The seed of a property test: `MDEVSPEC_SEED` when set (to reproduce a failure), else a fixed default so
 * CI runs are reproducible. Printed, so every run can be replayed.
 */
export function propertySeed(name: string, fallback = 20261124): number {
  const env = process.env.MDEVSPEC_SEED;
  const seed = env === undefined ? fallback : Number(env);
  console.info(`[${name}] seed=${seed} (reproduce with MDEVSPEC_SEED=${seed})`);
  return seed;
}
