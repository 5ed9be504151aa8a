import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../src/config.ts';
import { startMetricsServer } from '../../src/metrics/metrics-server.ts';
import { defaultPorts, DEPLOY_DIR, REPO_ROOT } from '../support/deploy-files.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const run = promisify(execFile);
const MODES = ['api', 'worker', 'migrate'];

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages and their instructions (continuation lines joined, comments dropped). */
function stagesOf(text: string): { args: Instruction[]; stages: Stage[] } {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from = '', , name = String(stages.length)] = instruction.args.split(/\s+/);
      stages.push({ name, from, instructions: [] });
    } else if (stages.length) stages.at(-1)!.instructions.push(instruction);
    else args.push(instruction);
  }
  return { args, stages };
}

const exec = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const jsonArgs = (args: string) => JSON.parse(args) as string[];

let dockerfile: { args: Instruction[]; stages: Stage[] };
let runtime: Stage;
beforeAll(async () => {
  dockerfile = stagesOf(await readFile(new URL('docker/Dockerfile', DEPLOY_DIR), 'utf8'));
  runtime = dockerfile.stages.at(-1)!;
});

describe('the image (Dockerfile, checked without a Docker engine)', () => {
  const copiedFrom = (name: string) =>
    exec(runtime, 'COPY')
      .filter((c) => c.startsWith(`--from=${name} `))
      .map((c) => c.split(/\s+/).slice(1));

  it('builds in stages and keeps only what the server needs in the last one', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(3);
    expect(runtime.name).toBe('runtime');
    // The web app is built in a stage of its own and only its output comes along.
    const web = dockerfile.stages.find((s) => exec(s, 'RUN').some((r) => r.includes('npm run build:web')))!;
    expect(copiedFrom(web.name)).toEqual([['/app/web/dist', './web/dist']]);
    // node_modules come from a stage that installed production dependencies only.
    const installs = dockerfile.stages
      .filter((s) => copiedFrom(s.name).some(([from]) => from === '/app/node_modules'))
      .flatMap((s) => exec(s, 'RUN').filter((r) => r.includes('npm ci')));
    expect(installs).toEqual([expect.stringMatching(/^--mount=\S+ npm ci --omit=dev$/)]);
    expect(exec(runtime, 'RUN').join('\n')).not.toMatch(/npm (ci|install)/);
  });

  it('runs as a non-root user', () => {
    const users = exec(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('checks its health with the script it ships, and starts the server in any of its modes', () => {
    const [healthcheck] = exec(runtime, 'HEALTHCHECK');
    expect(healthcheck).toMatch(/CMD \["node", "deploy\/docker\/healthcheck\.mjs"\]$/);
    expect(exec(runtime, 'COPY')).toContain('deploy/docker/healthcheck.mjs ./deploy/docker/healthcheck.mjs');
    expect(jsonArgs(exec(runtime, 'ENTRYPOINT')[0]!)).toEqual(['node', '--import', 'tsx', 'src/main.ts']);
    expect(MODES).toContain(jsonArgs(exec(runtime, 'CMD')[0]!)[0]);
  });

  it('the start command needs tsx, so tsx is a production dependency', async () => {
    const pkg = JSON.parse(await readFile(new URL('package.json', REPO_ROOT), 'utf8'));
    expect(pkg.dependencies.tsx).toBeDefined();
    expect(pkg.devDependencies.tsx).toBeUndefined();
  });

  it("sharp's native binary is there for linux-x64 glibc, and the build proves it loads", async () => {
    const lock = JSON.parse(await readFile(new URL('package-lock.json', REPO_ROOT), 'utf8'));
    for (const pkg of ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64']) {
      expect(lock.packages[`node_modules/${pkg}`], pkg).toMatchObject({ os: ['linux'], cpu: ['x64'] });
    }
    const image = dockerfile.args.find((a) => a.keyword === 'ARG' && a.args.startsWith('NODE_IMAGE='))!.args;
    expect(image).toMatch(/bookworm|bullseye|trixie/);
    expect(image).not.toMatch(/alpine/);
    const prodDeps = dockerfile.stages.find((s) => exec(s, 'RUN').some((r) => r.includes('npm ci --omit=dev')))!;
    expect(exec(prodDeps, 'RUN').some((r) => r.includes("require('sharp')"))).toBe(true);
  });

  it('exposes the ports the app listens on, and sets only settings the app reads', () => {
    const ports = defaultPorts();
    expect(exec(runtime, 'EXPOSE').join(' ').split(/\s+/).map(Number).sort()).toEqual([ports.api, ports.metrics].sort());
    const env = Object.fromEntries(
      exec(runtime, 'ENV')
        .join(' ')
        .split(/\s+/)
        .map((pair) => pair.split('=')),
    );
    expect(Object.keys(env).filter((name) => !SETTING_NAMES.includes(name))).toEqual([]);
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: String(ports.api),
      METRICS_PORT: String(ports.metrics),
    });
  });

  it('copies only files that exist and that .dockerignore lets into the build', async () => {
    const ignored = (await readFile(new URL('.dockerignore', REPO_ROOT), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!') && !l.includes('*'));
    const sources = dockerfile.stages.flatMap((s) =>
      exec(s, 'COPY')
        .filter((c) => !c.startsWith('--from='))
        .flatMap((c) =>
          c
            .replace(/--\S+\s+/g, '')
            .split(/\s+/)
            .slice(0, -1),
        ),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(fileURLToPath(new URL(source, REPO_ROOT))), source).toBe(true);
      expect(
        ignored.filter((entry) => source === entry || source.startsWith(`${entry}/`)),
        source,
      ).toEqual([]);
    }
  });
});

describe('the HEALTHCHECK script', () => {
  let t: TestApp;
  let apiPort: number;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    apiPort = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await t.stop();
  });

  const script = fileURLToPath(new URL('docker/healthcheck.mjs', DEPLOY_DIR));
  const check = (env: Record<string, string>) =>
    run(process.execPath, [script], { env: { ...process.env, ...env } }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  it('passes for an API process', async () => {
    expect(await check({ PORT: String(apiPort), METRICS_PORT: String(await closedPort()) })).toBe(0);
  });

  it('passes for a worker, which answers on its metrics port only', async () => {
    const server = await startMetricsServer({ config: t.config, log: t.log, metrics: t.metrics, port: 0 });
    try {
      const { port } = server.server.address() as { port: number };
      expect(await check({ PORT: String(await closedPort()), METRICS_PORT: String(port) })).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('fails when nothing answers', async () => {
    expect(await check({ PORT: String(await closedPort()), METRICS_PORT: 'off' })).toBe(1);
  });
});
