import { describe, expect, it } from 'vitest';
import { startPlan } from '../../scripts/start-args';

describe('npm start arguments', () => {
  it('defaults to 127.0.0.1:8787 and gives wrangler exactly one --port', () => {
    expect(startPlan([], {}).wranglerArgs).toEqual(['dev', '--ip', '127.0.0.1', '--port', '8787', '--local']);
    const a = startPlan(['--port', '8791'], { PORT: '9000' }).wranglerArgs;
    expect(a.filter((x) => x === '--port')).toHaveLength(1);
    expect(a).toContain('8791');
  });

  it('PORT and HOST from the environment; flags (--x v or --x=v) win; other flags pass through', () => {
    expect(startPlan([], { PORT: '8799', HOST: '127.0.0.2' })).toMatchObject({ port: 8799, host: '127.0.0.2' });
    const p = startPlan(['--var', 'RATE_LIMITS:off', '--port=8792', '--ip', '127.0.0.3', '--persist-to', '/tmp/x'], { PORT: '1' });
    expect(p).toMatchObject({ port: 8792, host: '127.0.0.3' });
    expect(p.wranglerArgs.slice(6)).toEqual(['--var', 'RATE_LIMITS:off', '--persist-to', '/tmp/x']);
  });

  it('rejects a bad port or a flag without its value', () => {
    expect(() => startPlan(['--port', 'x'], {})).toThrow("--port must be an integer 1-65535, got 'x'");
    expect(() => startPlan(['--port'], {})).toThrow('--port needs a value');
    expect(() => startPlan([], { PORT: '70000' })).toThrow('PORT must be');
  });
});
