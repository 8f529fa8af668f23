import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { findRepoRoot, resolveStackSettings } from '@tideline/devstack';
import { ensureK8sValidator, validateManifests, type ManifestReport } from './k8s-validator';

const repoRoot = findRepoRoot();
const kubernetes = path.join(repoRoot, 'deploy', 'kubernetes');
const base = path.join(kubernetes, 'base');
const overlay = path.join(kubernetes, 'overlays', 'production');

/** The health endpoints every service serves (libs/service): liveness without its dependencies, readiness with. */
const LIVENESS_PATH = '/health/live';
const READINESS_PATH = '/health';

interface Container {
  name: string;
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
}

interface Workload {
  kind: string;
  metadata: { name: string };
  spec: { template: { spec: { hostPID?: boolean; hostNetwork?: boolean; containers: Container[] } } };
}

function readBaseObjects(): Workload[] {
  return fs
    .readdirSync(base)
    .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
    .flatMap((name) => parseAllDocuments(fs.readFileSync(path.join(base, name), 'utf8')).map((doc) => doc.toJS()))
    .filter((object): object is Workload => object !== null) as Workload[];
}

describe('deploy/kubernetes (kustomize base and production overlay)', () => {
  let validator: string;
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-k8s-'));
  before(() => {
    validator = ensureK8sValidator(resolveStackSettings(process.env, repoRoot), process.env, (line) =>
      process.stderr.write(`${line}\n`),
    );
  });
  after(() => fs.rmSync(temp, { recursive: true, force: true }));

  it('builds with kustomize and decodes strictly into the k8s.io/api types, every reference between objects intact', () => {
    const { code, reports, stderr } = validateManifests(validator, [base, overlay]);
    assert.deepEqual(
      reports.map((report) => [report.dir, report.errors]),
      [
        [base, []],
        [overlay, []],
      ],
      stderr,
    );
    assert.equal(code, 0);
    for (const report of reports) {
      const ids = report.objects.map((object) => `${object.kind}/${object.name.replace(/-[a-z0-9]{10}$/, '')}`);
      for (const app of ['baseline', 'anomaly', 'reporter']) {
        for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget'])
          assert.ok(ids.includes(`${kind}/${app}`), `${report.dir}: ${kind}/${app}`);
      }
      assert.ok(ids.includes('DaemonSet/collector'));
      assert.ok(ids.includes('ConfigMap/tideline-config'));
      assert.ok(ids.includes('Secret/tideline-secrets'));
      assert.ok(report.objects.every((object) => object.kind === 'Namespace' || object.namespace === 'tideline'));
    }
  });

  it('probes liveness on /health/live and readiness on /health; the collector DaemonSet shares the host PID and network namespaces', () => {
    const workloads = readBaseObjects().filter((object) => object.kind === 'Deployment' || object.kind === 'DaemonSet');
    assert.equal(workloads.length, 4);
    for (const workload of workloads) {
      for (const container of workload.spec.template.spec.containers) {
        assert.equal(container.livenessProbe?.httpGet?.path, LIVENESS_PATH, `${workload.metadata.name} liveness`);
        assert.equal(container.readinessProbe?.httpGet?.path, READINESS_PATH, `${workload.metadata.name} readiness`);
      }
    }
    const collector = workloads.find((workload) => workload.kind === 'DaemonSet');
    assert.equal(collector?.metadata.name, 'collector');
    assert.equal(collector?.spec.template.spec.hostPID, true, "the host's /proc");
    assert.equal(collector?.spec.template.spec.hostNetwork, true, "the host's /proc/net/dev");
  });

  it('reports an unknown field, a probe on an undeclared port and a Service that selects no pods, naming each', () => {
    const bad = path.join(temp, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'kustomization.yaml'), 'resources:\n  - objects.yaml\n');
    fs.writeFileSync(
      path.join(bad, 'objects.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: web }',
        'spec:',
        '  replica: 2',
        '  selector: { matchLabels: { app: web } }',
        '  template:',
        '    metadata: { labels: { app: web } }',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: web:1',
        '          ports: [{ name: http, containerPort: 8080 }]',
        '          livenessProbe: { httpGet: { path: /health/live, port: metrics } }',
        '          readinessProbe: { httpGet: { path: /health, port: http } }',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: { name: other }',
        'spec:',
        '  selector: { app: other }',
        '  ports: [{ port: 80, targetPort: http }]',
        '',
      ].join('\n'),
    );
    const { code, reports } = validateManifests(validator, [bad]);
    assert.equal(code, 1);
    const errors = (reports[0] as ManifestReport).errors.join('\n');
    assert.match(errors, /Deployment web: .*unknown field "spec\.replica"/);
    // the strict decoder stops at the unknown field: the Deployment with it fixed shows the reference checks
    fs.writeFileSync(
      path.join(bad, 'objects.yaml'),
      fs.readFileSync(path.join(bad, 'objects.yaml'), 'utf8').replace('replica: 2', 'replicas: 2'),
    );
    const fixed = validateManifests(validator, [bad]).reports[0] as ManifestReport;
    assert.deepEqual(fixed.errors, [
      'Deployment web container web: livenessProbe port metrics is not one of its ports',
      "Service other: its selector matches no workload's pods",
    ]);
  });
});
