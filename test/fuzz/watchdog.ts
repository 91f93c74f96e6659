import { Worker } from 'node:worker_threads';
import type { DecodeJob, DecodeOutcome } from './decode-worker';

/**
 * Runs decodes in a worker thread and bounds each one: a synchronous infinite loop in a decoder
 * cannot be interrupted from its own thread, so a decode that overruns terminates the worker and
 * is reported as a hang.
 */
export class DecodeWatchdog {
  private worker!: Worker;
  private next = 0;
  private pending = new Map<number, (r: DecodeOutcome) => void>();

  private constructor(private readonly boundMs: number) {}

  /** Starts the worker (TypeScript through tsx) and waits until it is ready. */
  static async start(boundMs: number): Promise<DecodeWatchdog> {
    const w = new DecodeWatchdog(boundMs);
    await w.spawn();
    return w;
  }

  private spawn(): Promise<void> {
    this.worker = new Worker(new URL('./decode-worker.mjs', import.meta.url));
    return new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.on('message', (r: DecodeOutcome) => {
        if (r.id === -1) return resolve();
        this.pending.get(r.id)?.(r);
        this.pending.delete(r.id);
      });
    });
  }

  /** Decodes one buffer; resolves 'hang' if it takes longer than the bound. */
  async decode(kind: DecodeJob['kind'], bytes: Uint8Array, key?: string): Promise<DecodeOutcome | { outcome: 'hang' }> {
    const id = this.next++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = new Promise<DecodeOutcome>((resolve) => this.pending.set(id, resolve));
    const hang = new Promise<{ outcome: 'hang' }>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: 'hang' }), this.boundMs);
    });
    this.worker.postMessage({ id, kind, bytes, ...(key === undefined ? {} : { key }) } satisfies DecodeJob);
    const r = await Promise.race([done, hang]);
    clearTimeout(timer);
    if (r.outcome === 'hang') {
      this.pending.delete(id);
      await this.worker.terminate();
      await this.spawn();
    }
    return r;
  }

  /** Stops the worker. */
  stop(): Promise<number> {
    return this.worker.terminate();
  }
}
