import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('defaults work on a laptop with no variables set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DEMO_DATA: 'auto' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('/metrics is open to loopback only, unless networks are listed', () => {
    expect(loadConfig({}).METRICS_ALLOW).toEqual(['127.0.0.1/32', '::1/128']);
    expect(loadConfig({ METRICS_ALLOW: ' 10.0.0.0/8, fd00::/8 ' }).METRICS_ALLOW).toEqual(['10.0.0.0/8', 'fd00::/8']);
  });

  it('skin analyses run locally unless OpenAI is chosen as the default and given a key', () => {
    expect(loadConfig({}).ANALYSIS_DEFAULT_PROVIDER).toBe('local');
    expect(loadConfig({ ANALYSIS_DEFAULT_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test' }).ANALYSIS_DEFAULT_PROVIDER).toBe(
      'openai',
    );
  });

  it.each([
    [{ PORT: 'eighty' }, 'invalid PORT: expected a number'],
    [{ PORT: '70000' }, 'invalid PORT: expected a number <= 65535'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'invalid DATABASE_URL: expected a postgres:// connection URL'],
    [{ LOG_LEVEL: 'loud' }, 'invalid LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent'],
    [{ NODE_ENV: 'production' }, 'invalid COOKIE_SECRET: expected at least 32 characters (required in production)'],
    [{ ANALYSIS_DEFAULT_PROVIDER: 'gpt' }, 'invalid ANALYSIS_DEFAULT_PROVIDER: expected one of local, openai'],
    [
      { METRICS_ALLOW: '10.0.0.0/8,10.1.2.3' },
      'invalid METRICS_ALLOW: expected a comma-separated list of addresses with prefix lengths (10.0.0.0/8, ::1/128)',
    ],
    [{ METRICS_TOKEN: 'short' }, 'invalid METRICS_TOKEN: expected at least 16 characters'],
    [
      { ANALYSIS_DEFAULT_PROVIDER: 'openai' },
      'invalid OPENAI_API_KEY: expected an API key (required when ANALYSIS_DEFAULT_PROVIDER is openai)',
    ],
  ])('a wrong value %o names the variable and what is expected', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('a bad variable stops start-up with one readable line and exit code 1', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'api'], {
      env: { PATH: process.env.PATH, PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('invalid PORT: expected a number');
    expect(run.stdout).toBe('');
  });
});
