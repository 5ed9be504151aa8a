import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import * as cloudnativePg from '@kubernetes-models/cloudnative-pg';
import * as keda from '@kubernetes-models/keda';
import * as kubernetes from 'kubernetes-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, SETTING_NAMES } from '../../src/config.ts';
import { startMetricsServer } from '../../src/metrics/metrics-server.ts';
import { databaseTarget, defaultPorts, DEPLOY_DIR, readYamlDocuments } from '../support/deploy-files.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const DIR = new URL('kubernetes/', DEPLOY_DIR);

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}

type ModelClass = { apiVersion: string; kind: string; new (data: unknown): { validate(): void } };

/** The model class of every kind the three packages know, by "apiVersion/kind". */
function modelClasses(): Map<string, ModelClass> {
  const classes = new Map<string, ModelClass>();
  const visit = (exports: object, depth: number) => {
    for (const value of Object.values(exports)) {
      if (typeof value === 'function' && 'apiVersion' in value && 'kind' in value) {
        const model = value as ModelClass;
        classes.set(`${model.apiVersion}/${model.kind}`, model);
      } else if (value && typeof value === 'object' && depth < 3) visit(value, depth + 1);
    }
  };
  for (const pkg of [kubernetes, keda, cloudnativePg]) visit(pkg, 0);
  return classes;
}

let kustomization: any;
let manifests: Manifest[];
beforeAll(async () => {
  [kustomization] = await readYamlDocuments(new URL('kustomization.yaml', DIR));
  manifests = [];
  for (const file of kustomization.resources as string[]) {
    for (const doc of await readYamlDocuments(new URL(file, DIR))) manifests.push({ file, ...doc });
  }
});

const all = (kind: string) => manifests.filter((m) => m.kind === kind);
function one(kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found;
}
const podTemplates = () =>
  manifests
    .filter((m) => ['Deployment', 'StatefulSet', 'Job'].includes(m.kind))
    .map((m) => ({ owner: `${m.kind} ${m.metadata.name}`, spec: m.spec.template.spec, labels: m.spec.template.metadata.labels }));
const appContainers = () =>
  podTemplates().flatMap(({ owner, spec }) =>
    (spec.containers as any[]).filter((c) => c.image === 'bwai').map((container) => ({ owner, container })),
  );
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/**
 * The environment a container gets once Kubernetes has resolved it: ConfigMap entries, literal values
 * with $(NAME) expanded, and secret references filled with values of the right shape (optional ones left out).
 */
function resolvedEnv(container: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) Object.assign(env, one('ConfigMap', source.configMapRef.name).data);
  const cluster = all('Cluster')[0]!.metadata.name;
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) {
      env[entry.name] = String(entry.value).replace(/\$\((\w+)\)/g, (_, name: string) => env[name] ?? `$(${name})`);
      continue;
    }
    const ref = entry.valueFrom.secretKeyRef;
    if (ref.optional) continue;
    const secret = randomBytes(24).toString('hex');
    // CloudNativePG's owner secret: its uri points at the primary's read-write service.
    env[entry.name] =
      ref.name === `${cluster}-app` && ref.key === 'uri' ? `postgresql://bwai_owner:${secret}@${cluster}-rw:5432/bwai` : secret;
  }
  return env;
}

describe('Kubernetes manifests', () => {
  it('kustomization lists every manifest in the folder and nothing that is not there', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('every document is a kind the Kubernetes, KEDA or CloudNativePG models know, and passes its schema', () => {
    const classes = modelClasses();
    const problems: string[] = [];
    for (const { file, ...doc } of manifests) {
      const Model = classes.get(`${doc.apiVersion}/${doc.kind}`);
      if (!Model) {
        problems.push(`${file}: unknown kind ${doc.apiVersion}/${doc.kind}`);
        continue;
      }
      try {
        new Model(doc).validate();
      } catch (error) {
        problems.push(`${file}: ${doc.kind} ${doc.metadata?.name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(manifests.map((m) => m.kind)).toEqual(
      expect.arrayContaining([
        'Cluster',
        'Pooler',
        'Deployment',
        'Service',
        'Ingress',
        'HorizontalPodAutoscaler',
        'ScaledObject',
        'PodDisruptionBudget',
        'Job',
        'ConfigMap',
        'StatefulSet',
      ]),
    );
  });

  it('a document the schemas refuse is caught', () => {
    const Deployment = modelClasses().get('apps/v1/Deployment')!;
    const api = one('Deployment', 'bwai-api');
    expect(() => new Deployment({ ...api, spec: { ...api.spec, selector: undefined } }).validate()).toThrow();
  });

  it('every variable given to the app is one it reads, and the result starts in production', () => {
    for (const { owner, container } of appContainers()) {
      const env = resolvedEnv(container);
      expect({ owner, unknown: Object.keys(env).filter((name) => !SETTING_NAMES.includes(name)) }).toEqual({
        owner,
        unknown: [],
      });
      expect(env.NODE_ENV, owner).toBe('production');
      expect(() => loadConfig(env), owner).not.toThrow();
    }
    expect(
      appContainers()
        .map((c) => c.container.args[0])
        .sort(),
    ).toEqual(['api', 'migrate', 'worker']);
  });

  it('requests reach PostgreSQL through the transaction-mode poolers; the owner connects to the primary itself', () => {
    const [cluster] = all('Cluster');
    expect(cluster!.spec.instances).toBeGreaterThanOrEqual(2);
    for (const pooler of all('Pooler')) {
      expect(pooler.spec.cluster.name).toBe(cluster!.metadata.name);
      expect(pooler.spec.pgbouncer.poolMode).toBe('transaction');
    }
    const pooler = (type: string) => all('Pooler').find((p) => p.spec.type === type)!.metadata.name;
    for (const { owner, container } of appContainers().filter((c) => c.container.args[0] !== 'migrate')) {
      const env = resolvedEnv(container);
      expect(databaseTarget(env.DATABASE_APP_URL!).host, owner).toBe(pooler('rw'));
      expect(databaseTarget(env.DATABASE_REPLICA_URL!).host, owner).toBe(pooler('ro'));
      expect(databaseTarget(env.DATABASE_URL!).host, owner).toBe(`${cluster!.metadata.name}-rw`);
    }
  });

  it('container ports are the ports the app listens on by default, and nothing overrides them', () => {
    const ports = defaultPorts();
    const portOf = (c: any, name: string) => c.ports.find((p: any) => p.name === name)?.containerPort;
    for (const { owner, container } of appContainers()) {
      const env = resolvedEnv(container);
      expect(env.PORT ?? String(ports.api), owner).toBe(String(ports.api));
      expect(env.METRICS_PORT ?? String(ports.metrics), owner).toBe(String(ports.metrics));
    }
    expect(portOf(one('Deployment', 'bwai-api').spec.template.spec.containers[0], 'http')).toBe(ports.api);
    expect(portOf(one('Deployment', 'bwai-worker').spec.template.spec.containers[0], 'metrics')).toBe(ports.metrics);
  });

  it('the API is ready on /readyz and alive on /healthz; a worker is alive on /healthz of its metrics port', () => {
    const probes = (name: string) => {
      const container = one('Deployment', name).spec.template.spec.containers[0];
      return Object.fromEntries(
        ['startupProbe', 'readinessProbe', 'livenessProbe']
          .filter((p) => container[p])
          .map((p) => [p, `${container[p].httpGet.port} ${container[p].httpGet.path}`]),
      );
    };
    expect(probes('bwai-api')).toEqual({
      startupProbe: 'http /healthz',
      readinessProbe: 'http /readyz',
      livenessProbe: 'http /healthz',
    });
    expect(probes('bwai-worker')).toEqual({ readinessProbe: 'metrics /healthz', livenessProbe: 'metrics /healthz' });
  });

  it('every pod runs as a non-root user on a read-only root file system, with no privilege to gain, and asks for its resources', () => {
    for (const { owner, spec } of podTemplates()) {
      expect(spec.securityContext?.runAsNonRoot, owner).toBe(true);
      for (const c of spec.containers) {
        expect(c.securityContext, `${owner} ${c.name}`).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.resources.requests, `${owner} ${c.name}`).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
        expect(c.resources.limits?.memory, `${owner} ${c.name}`).toBeDefined();
      }
    }
  });

  it('selectors, services, autoscalers and budgets point at workloads that exist', () => {
    const deployments = all('Deployment');
    for (const d of deployments)
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels), d.metadata.name).toBe(true);
    const labelsOf = (name: string) => one('Deployment', name).spec.template.metadata.labels;

    const hpa = one('HorizontalPodAutoscaler', 'bwai-api');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'bwai-api' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.metrics).toEqual([
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
    ]);

    const scaled = one('ScaledObject', 'bwai-worker');
    expect(scaled.spec.scaleTargetRef.name).toBe('bwai-worker');
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    const [trigger] = scaled.spec.triggers;
    expect(trigger.type).toBe('postgresql');
    const auth = one('TriggerAuthentication', trigger.authenticationRef.name);
    expect(auth.spec.secretTargetRef).toEqual([
      expect.objectContaining({ parameter: 'connection', name: `${all('Cluster')[0]!.metadata.name}-app` }),
    ]);

    // An autoscaled Deployment names no replica count, or every apply would reset what the autoscaler chose.
    for (const name of ['bwai-api', 'bwai-worker']) expect(one('Deployment', name).spec.replicas, name).toBeUndefined();

    for (const name of ['bwai-api', 'bwai-worker']) {
      const budgets = all('PodDisruptionBudget').filter((p) => matches(p.spec.selector.matchLabels, labelsOf(name)));
      expect(budgets, name).toHaveLength(1);
    }

    const service = one('Service', 'bwai-api');
    expect(matches(service.spec.selector, labelsOf('bwai-api'))).toBe(true);
    const apiPorts = one('Deployment', 'bwai-api').spec.template.spec.containers[0].ports.map((p: any) => p.name);
    expect(apiPorts).toContain(service.spec.ports[0].targetPort);

    const backend = one('Ingress', 'bwai').spec.rules[0].http.paths[0].backend.service;
    expect(backend.name).toBe('bwai-api');
    expect(service.spec.ports.map((p: any) => p.name)).toContain(backend.port.name);
  });
});

describe('the routes the probes use', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  const probePaths = (name: string) => {
    const container = one('Deployment', name).spec.template.spec.containers[0];
    return [...new Set(['startupProbe', 'readinessProbe', 'livenessProbe'].flatMap((p) => container[p]?.httpGet.path ?? []))];
  };

  it('an API process answers 200 on every path its probes use', async () => {
    for (const path of probePaths('bwai-api')) {
      const response = await t.app.inject({ method: 'GET', url: path });
      expect({ path, status: response.statusCode }).toEqual({ path, status: 200 });
    }
  });

  it("a worker's metrics server answers 200 on every path its probes use", async () => {
    const server = await startMetricsServer({ config: t.config, log: t.log, metrics: t.metrics, port: 0 });
    try {
      for (const path of probePaths('bwai-worker')) {
        const response = await server.inject({ method: 'GET', url: path });
        expect({ path, status: response.statusCode }).toEqual({ path, status: 200 });
      }
    } finally {
      await server.close();
    }
  });
});
