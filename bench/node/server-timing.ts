/** Parses a Server-Timing header (`name;dur=ms, …`) into ms by span name. */
export function serverTiming(h: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (h ?? '').split(',')) {
    const m = /^\s*([\w-]+).*?dur=([\d.]+)/.exec(part);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}
