import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  it('names each bad value', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(new ConfigError('invalid configuration: port: port must be a number'));
    expect(() => loadConfig({}, { port: 70000 })).toThrow('port: port must be at most 65535');
    expect(() => loadConfig({ CLICKHOUSE_URL: 'localhost' })).toThrow('clickhouseUrl: CLICKHOUSE_URL must be a URL like http://host:8123');
    expect(() => loadConfig({ CONTROL_TOWER_DEDUPE_WINDOW_HOURS: '2' })).toThrow('dedupeWindowHours: dedupe window hours must be at least 24');
    expect(() => loadConfig({ CLICKHOUSE_DATABASE: 'x; DROP' })).toThrow('database: database must be a plain identifier');
  });

  it('lets flags win over the environment', () => {
    expect(loadConfig({ PORT: '9000' }, { port: '9100' }).port).toBe(9100);
    expect(loadConfig({ PORT: '9000' }).port).toBe(9000);
    expect(loadConfig({ CONTROL_TOWER_DEMO: 'true' }).demo).toBe(true);
  });
});
