import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.js';

describe('parseEnv', () => {
  it('defaults to PGlite in ./.kinsight/db on 127.0.0.1:4000 at info', () => {
    expect(parseEnv({})).toEqual({
      DATABASE_URL: undefined,
      KINSIGHT_DATA_DIR: './.kinsight/db',
      PORT: 4000,
      HOST: '127.0.0.1',
      KINSIGHT_AGENT_TOKEN: undefined,
      KINSIGHT_DEMO_SIGNIN: undefined,
      KINSIGHT_BOOTSTRAP_ADMIN: undefined,
      KINSIGHT_BOOTSTRAP_PASSWORD: undefined,
      KINSIGHT_SECURE_COOKIES: false,
      KINSIGHT_INGEST_MAX_IN_FLIGHT: 4,
      KINSIGHT_RETENTION_RAW_DAYS: 7,
      KINSIGHT_RETENTION_1M_DAYS: 30,
      KINSIGHT_RETENTION_1H_DAYS: 400,
      KINSIGHT_TRUSTED_PROXIES: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
      KINSIGHT_INSIGHTS_INTERVAL_MS: 10_000,
      LOG_LEVEL: 'info',
    });
  });

  it('reads trusted proxies as a list of IPs and names a bad entry', () => {
    expect(parseEnv({ KINSIGHT_TRUSTED_PROXIES: '10.0.0.5, fd00::1' }).KINSIGHT_TRUSTED_PROXIES).toEqual(['10.0.0.5', 'fd00::1']);
    expect(() => parseEnv({ KINSIGHT_TRUSTED_PROXIES: '10.0.0.5,proxy.local' })).toThrow(/KINSIGHT_TRUSTED_PROXIES/);
  });

  it('reads every variable and treats empty ones as unset', () => {
    expect(
      parseEnv({
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
        KINSIGHT_DATA_DIR: '/var/lib/kinsight',
        PORT: '8080',
        HOST: '0.0.0.0',
        KINSIGHT_AGENT_TOKEN: 's3cret',
        KINSIGHT_INSIGHTS_INTERVAL_MS: '0',
        LOG_LEVEL: 'debug',
      }),
    ).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      KINSIGHT_DATA_DIR: '/var/lib/kinsight',
      PORT: 8080,
      HOST: '0.0.0.0',
      KINSIGHT_AGENT_TOKEN: 's3cret',
      KINSIGHT_INSIGHTS_INTERVAL_MS: 0,
      LOG_LEVEL: 'debug',
    });
    expect(parseEnv({ DATABASE_URL: '', KINSIGHT_AGENT_TOKEN: '' })).toMatchObject({
      DATABASE_URL: undefined,
      KINSIGHT_AGENT_TOKEN: undefined,
    });
  });

  it('refuses an Insights interval that is not a whole number of ms up to an hour', () => {
    expect(() => parseEnv({ KINSIGHT_INSIGHTS_INTERVAL_MS: '-1' })).toThrow(/KINSIGHT_INSIGHTS_INTERVAL_MS: Too small/);
    expect(() => parseEnv({ KINSIGHT_INSIGHTS_INTERVAL_MS: '2.5' })).toThrow(/KINSIGHT_INSIGHTS_INTERVAL_MS: Invalid input: expected int/);
  });

  it('names each bad variable', () => {
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x/y', PORT: 'http', LOG_LEVEL: 'loud' })).toThrow(
      'invalid environment for the Kinsight API: DATABASE_URL: must be a postgres:// or postgresql:// URL; ' +
        'PORT: Invalid input: expected number, received NaN; ' +
        'LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
    );
  });
});
