import { describe, expect, it } from 'vitest';
import { parseCli } from './cli-options.js';

describe('CLI options', () => {
  it('reads flags, then env vars, then defaults', () => {
    expect(
      parseCli(
        ['--server', 'http://s:3000', '--pairing-code', 'ABC-123', '--data-dir', '/tmp/a', '--port', '9000'],
        {},
      ),
    ).toEqual({
      serverUrl: 'http://s:3000',
      pairingCode: 'ABC-123',
      dataDir: '/tmp/a',
      port: 9000,
      help: false,
    });
    const env = {
      ECONTROL_SERVER_URL: 'http://e:1',
      ECONTROL_AGENT_PORT: '9100',
      ECONTROL_AGENT_DATA_DIR: '/d',
      ECONTROL_AGENT_GUARD_UID: '1001',
    };
    expect(parseCli(['--port=9200'], env)).toMatchObject({
      serverUrl: 'http://e:1',
      port: 9200,
      dataDir: '/d',
      guardUid: 1001,
    });
    expect(parseCli([], {}).port).toBe(9876);
    expect(
      parseCli([], { ECONTROL_AGENT_DIAGNOSTICS: '1', ECONTROL_AGENT_TEST_SYNTHETIC_EVENTS: '10000' }),
    ).toMatchObject({ diagnostics: true, syntheticEvents: 10_000 });
    expect(parseCli([], {}).diagnostics).toBeUndefined();
  });
  it('rejects bad input clearly', () => {
    expect(() => parseCli(['--port', 'abc'], {})).toThrow(/Invalid port/);
    expect(() => parseCli(['--server'], {})).toThrow(/Missing value/);
    expect(() => parseCli(['--bogus', '1'], {})).toThrow(/Unknown option/);
    expect(() => parseCli(['--server', 'not a url'], {})).toThrow();
  });
});
