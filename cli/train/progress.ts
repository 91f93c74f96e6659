/** A progress line on stderr: one updating line on a TTY, a periodic plain line otherwise. */
export interface Progress {
  update(it: number, loss: number): void;
  note(line: string): void;
  done(): void;
}

const clock = (s: number): string => {
  if (!Number.isFinite(s)) return '--:--';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
};

/** Formats one progress line (pure, for tests). */
export function progressLine(it: number, total: number, loss: number, rate: number): string {
  const width = 24;
  const filled = Math.round((width * it) / total);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  return `[${bar}] ${it}/${total} loss ${Number.isFinite(loss) ? loss.toFixed(4) : '-'} ${rate.toFixed(1)} it/s ETA ${clock((total - it) / rate)}`;
}

/** Progress for `total` iterations starting at `from` (a resumed run counts its rate from there). */
export function createProgress(total: number, from: number, stream: NodeJS.WriteStream = process.stderr, now = () => performance.now()): Progress {
  const tty = stream.isTTY === true;
  const t0 = now();
  let last = t0;
  let shownLoss = NaN;
  let lastIt = from;
  const line = (it: number): string => progressLine(it, total, shownLoss, ((it - from) * 1000) / Math.max(1, now() - t0));
  return {
    update(it, loss) {
      if (Number.isFinite(loss)) shownLoss = loss;
      lastIt = it;
      const t = now();
      if (tty ? t - last >= 200 || it === total : t - last >= 10000 || it === total) {
        last = t;
        stream.write(tty ? `\r${line(it)}\x1b[K` : `${line(it)}\n`);
      }
    },
    note(text) {
      stream.write(tty ? `\r\x1b[K${text}\n${line(lastIt)}` : `${text}\n`);
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}
