import cliProgress from 'cli-progress';

/** Reports a check's progress: a bar on a terminal, a plain line every tenth of the runs elsewhere (CI). */
export interface CheckProgress {
  update(progress: { readonly runs: number; readonly shrinks: number; readonly failing: boolean }): void;
  stop(): void;
}

/** The progress reporter for `total` runs, writing to `stream` (stderr). */
export function checkProgress(
  total: number,
  stream: NodeJS.WriteStream,
  err: (s: string) => void,
): CheckProgress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'checking [{bar}] {value}/{total} runs {shrinking}',
        stream,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { shrinking: '' });
    return {
      update: (p) =>
        bar.update(Math.min(p.runs, total), {
          shrinking: p.shrinks ? `| shrinking a counterexample: ${p.shrinks} runs` : '',
        }),
      stop: () => bar.stop(),
    };
  }
  let next = Math.ceil(total / 10);
  let reportedShrinking = false;
  return {
    update: (p) => {
      if (p.runs >= next) {
        err(`checked ${p.runs}/${total} runs`);
        next += Math.ceil(total / 10);
      }
      if (p.shrinks && !reportedShrinking) {
        err(`found a violation after ${p.runs} runs; shrinking it`);
        reportedShrinking = true;
      }
    },
    stop: () => {},
  };
}
