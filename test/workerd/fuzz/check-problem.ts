import { expect } from 'vitest';
import type { BadRequest } from './bad-requests';
import type { Call } from './harness';

/** Sends a generated request as a client would (a stream of unknown length when asked). */
export function send(call: Call, req: BadRequest): Promise<Response> {
  const raw = req.streamBytes !== undefined ? zeroStream(req.streamBytes) : req.body;
  return call(req.method, req.path, { key: req.key, headers: req.headers, raw });
}

/** A JSON-looking body of `bytes` bytes, in 64 KiB chunks, with no content-length. */
function zeroStream(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode('0,'.repeat(32_768));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode('{"user":"u","support":{"inputs":[['));
      const n = Math.min(chunk.length, bytes - sent);
      if (n <= 0) {
        controller.enqueue(new TextEncoder().encode('0]],"labels":["a"]}}'));
        controller.close();
        return;
      }
      controller.enqueue(chunk.subarray(0, n));
      sent += n;
    },
  });
}

/** Asserts the response is a 4xx RFC 9457 problem whose fields match the status (or an allowed 204). */
export async function expectProblem(res: Response, req: BadRequest): Promise<{ status: number; code: string }> {
  const where = `${req.kind} ${req.method} ${req.path.slice(0, 120)}`;
  if (req.mayBeNoContent && res.status === 204) {
    expect(await res.text(), where).toBe('');
    return { status: 204, code: 'no_content' };
  }
  expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.status, where).toBeLessThan(500);
  expect(res.headers.get('content-type'), where).toContain('application/problem+json');
  const text = await res.text();
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${where}: problem body is not JSON: ${text.slice(0, 200)}`);
  }
  expect(Object.keys(p).sort(), where).toEqual(['code', 'detail', 'status', 'title', 'type']);
  expect(p.status, where).toBe(res.status);
  expect(p.code, where).toMatch(/^[a-z][a-z0-9_]*$/);
  expect(p.type, where).toBe(`https://fewshot-edge.dev/problems/${p.code as string}`);
  expect(typeof p.title, where).toBe('string');
  expect(typeof p.detail, where).toBe('string');
  if (res.status === 401) expect(res.headers.get('www-authenticate'), where).toMatch(/^Bearer/);
  return { status: res.status, code: p.code as string };
}
