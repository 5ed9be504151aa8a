import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('defaults work on a laptop with no variables set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DEMO_DATA: 'auto' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect([config.SESSION_TTL_HOURS, config.SESSION_IDLE_HOURS]).toEqual([336, 72]);
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

  it('TRUST_PROXY takes false, a hop count or a list of proxy addresses and CIDRs', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.1,fd00::/8' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '192.168.1.1',
      'fd00::/8',
    ]);
  });

  it.each([
    [
      { TRUST_PROXY: 'true' },
      'invalid TRUST_PROXY: expected false, a number of proxy hops in front of the app (1 behind one load balancer), or a comma-separated list of proxy addresses or CIDRs; true would believe any X-Forwarded-For a client sends',
    ],
    [
      { TRUST_PROXY: '10.0.0.0/33' },
      'invalid TRUST_PROXY: expected false, a number of proxy hops in front of the app (1 behind one load balancer), or a comma-separated list of proxy addresses or CIDRs',
    ],
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
    [{ TOTP_ENCRYPTION_KEY: 'short' }, 'invalid TOTP_ENCRYPTION_KEY: expected at least 32 characters'],
    [
      { TWO_FACTOR_REQUIRED_ROLES: 'clinic_owner,boss' },
      'invalid TWO_FACTOR_REQUIRED_ROLES: expected none, or a comma-separated list of roles (super_admin, clinic_owner, clinic_admin, clinic_staff, receptionist, customer)',
    ],
    [
      { ANALYSIS_DEFAULT_PROVIDER: 'openai' },
      'invalid OPENAI_API_KEY: expected an API key (required when ANALYSIS_DEFAULT_PROVIDER is openai)',
    ],
  ])('a wrong value %o names the variable and what is expected', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  describe('production refuses the built-in values anyone can read in this repository', () => {
    const production = {
      NODE_ENV: 'production',
      COOKIE_SECRET: 'a-cookie-secret-of-this-deployment-0001',
      TOTP_ENCRYPTION_KEY: '0f'.repeat(32),
    };

    it('with its own secrets and no demo data it starts', () => {
      expect(loadConfig({ ...production, DATABASE_APP_PASSWORD: 'a-rotated-app-password' }).NODE_ENV).toBe('production');
      expect(loadConfig({ ...production, DATABASE_APP_URL: 'postgres://bwai_app:own-secret@db/app' }).NODE_ENV).toBe(
        'production',
      );
    });

    it.each([
      [{}, 'invalid DATABASE_APP_PASSWORD: expected a password of your own for bwai_app, not the built-in local one'],
      [
        { DATABASE_APP_URL: 'postgres://bwai_app:bwai-app-local-only@db/app' },
        'invalid DATABASE_APP_URL: expected a password of your own for bwai_app, not the built-in local one',
      ],
      [
        { DATABASE_APP_URL: 'postgres://bwai_app:own-secret@db/app', DATABASE_REPLICA_URL: 'postgres://owner@replica/app' },
        'invalid DATABASE_APP_PASSWORD: expected a password of your own for bwai_app, not the built-in local one',
      ],
      [
        { DATABASE_APP_PASSWORD: 'a-rotated-app-password', COOKIE_SECRET: 'local-development-cookie-secret-0123456789' },
        'invalid COOKIE_SECRET: expected a secret of your own, not the built-in development value',
      ],
      [
        { DATABASE_APP_PASSWORD: 'a-rotated-app-password', TOTP_ENCRYPTION_KEY: undefined },
        'invalid TOTP_ENCRYPTION_KEY: expected at least 32 characters (required in production)',
      ],
      [
        { DATABASE_APP_PASSWORD: 'a-rotated-app-password', DEMO_DATA: 'on' },
        'invalid DEMO_DATA: expected off or auto (demo accounts with published passwords are refused in production)',
      ],
    ])('%o is refused with one line naming the variable', (env, message) => {
      expect(() => loadConfig({ ...production, ...env })).toThrow(new ConfigError(message));
    });

    it('super admins and clinic owners must use two-factor sign-in in production, unless told otherwise', () => {
      const own = { ...production, DATABASE_APP_PASSWORD: 'a-rotated-app-password' };
      expect(loadConfig(own).twoFactorRequiredRoles).toEqual(['super_admin', 'clinic_owner']);
      expect(loadConfig({ ...own, TWO_FACTOR_REQUIRED_ROLES: 'none' }).twoFactorRequiredRoles).toEqual([]);
      expect(loadConfig({}).twoFactorRequiredRoles).toEqual([]);
    });

    it('start-up stops before touching a database', () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'api'], {
        env: { PATH: process.env.PATH, ...production },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect([run.status, run.stderr.trim()]).toEqual([
        1,
        'invalid DATABASE_APP_PASSWORD: expected a password of your own for bwai_app, not the built-in local one',
      ]);
    });
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
