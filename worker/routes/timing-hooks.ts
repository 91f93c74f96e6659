import { endTime, startTime } from 'hono/timing';
import type { Context } from 'hono';
import type { TimingHooks } from '../heads/resolve-head';

/** Server-Timing spans for the parts of a request an operator cares about (kv, adapt, predict). */
export const timingHooks = (c: Context): TimingHooks => ({
  async measure(name, fn) {
    startTime(c, name);
    try {
      return await fn();
    } finally {
      endTime(c, name);
    }
  },
});
