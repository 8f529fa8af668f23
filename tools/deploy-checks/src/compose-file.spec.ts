// docker-compose.yml checked without a Docker engine. The checks live here, in the test, and nowhere in the CLI:
// every service has an image or a build and publishes ports, the four Tideline services depend on and point at the
// compose services they need, every depends_on target exists (with a healthcheck when waited on as healthy), and
// the build Dockerfiles exist.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_HTTP_PORTS, type ServiceName } from '@tideline/config';
import { parse, stringify } from 'yaml';

// Compiled to tools/deploy-checks/dist-spec/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../..');
const REPO: RepositoryFiles = {
  exists: (path) => existsSync(join(ROOT, path)),
  read: (path) => readFileSync(join(ROOT, path), 'utf8'),
};
const COMPOSE = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');

/** Checks the repository's compose file after `edit` changed its parsed form. */
function checkEdited(edit: (services: Record<string, Record<string, unknown>>) => void, files = REPO): string[] {
  const document = parse(COMPOSE) as { services: Record<string, Record<string, unknown>> };
  edit(document.services);
  return checkComposeFile(stringify(document), files);
}

describe('docker-compose.yml', () => {
  it('passes every check: images or builds, ports, depends_on, environment, Dockerfiles', () => {
    assert.deepEqual(checkComposeFile(COMPOSE, REPO), []);
  });

  it('runs Kafka (KRaft), InfluxDB 1.8, Chronograf, a mail catcher and the four services', () => {
    const { services } = parse(COMPOSE) as { services: Record<string, { image?: string }> };
    assert.deepEqual(Object.keys(services).sort(), [
      'anomaly',
      'baseline',
      'chronograf',
      'collector',
      'influxdb',
      'kafka',
      'mailpit',
      'reporter',
    ]);
    assert.match(services['kafka']?.image ?? '', /^apache\/kafka:4\./);
    assert.equal(services['influxdb']?.image, 'influxdb:1.8');
  });
});

describe('checkComposeFile', () => {
  it('reports an app without depends_on', () => {
    const problems = checkEdited((services) => delete services['collector']!['depends_on']);
    assert.deepEqual(problems, ['service "collector" uses "kafka" (KAFKA_BROKERS) but does not depend on it']);
  });

  it('reports a depends_on target that is not a service', () => {
    const problems = checkEdited((services) => {
      (services['anomaly']!['depends_on'] as Record<string, unknown>)['zookeeper'] = { condition: 'service_started' };
    });
    assert.deepEqual(problems, ['service "anomaly" depends on "zookeeper", which is not a service']);
  });

  it('reports waiting for a healthy service that has no healthcheck', () => {
    const problems = checkEdited((services) => delete services['influxdb']!['healthcheck']);
    assert.ok(problems.includes('service "influxdb" has no healthcheck'), problems.join('\n'));
    assert.ok(
      problems.includes('service "baseline" waits for "influxdb" to be healthy, but "influxdb" has no healthcheck'),
      problems.join('\n'),
    );
  });

  it('reports KAFKA_BROKERS pointing at the host instead of the kafka service', () => {
    const problems = checkEdited((services) => {
      (services['baseline']!['environment'] as Record<string, unknown>)['KAFKA_BROKERS'] = 'localhost:9092';
    });
    assert.deepEqual(problems, [
      'service "baseline": KAFKA_BROKERS "localhost:9092" is not an address "kafka" advertises',
      'service "baseline": KAFKA_BROKERS points at "localhost", not at the "kafka" service',
    ]);
  });

  it('reports an app that needs InfluxDB but has no INFLUX_URL', () => {
    const problems = checkEdited((services) => {
      delete (services['reporter']!['environment'] as Record<string, unknown>)['INFLUX_URL'];
    });
    assert.deepEqual(problems, ['service "reporter" has no INFLUX_URL']);
  });

  it('reports a service without image or build, and one without ports', () => {
    const problems = checkEdited((services) => {
      delete services['chronograf']!['image'];
      delete services['kafka']!['ports'];
    });
    assert.ok(problems.includes('service "chronograf" has neither image nor build'), problems.join('\n'));
    assert.ok(problems.includes('service "kafka" publishes no ports'), problems.join('\n'));
  });

  it('reports a build whose Dockerfile does not exist', () => {
    const problems = checkEdited((services) => {
      (services['reporter']!['build'] as Record<string, unknown>)['dockerfile'] = 'deploy/docker/missing.Dockerfile';
    });
    assert.deepEqual(problems, ['service "reporter": Dockerfile "deploy/docker/missing.Dockerfile" does not exist']);
  });

  it('reports a Dockerfile that is not a multi-stage node:24 build with npm ci and tsc -b', () => {
    const files: RepositoryFiles = {
      exists: REPO.exists,
      read: (path) => (path.endsWith('.Dockerfile') ? 'FROM node:20\nARG APP\nRUN npm install\n' : REPO.read(path)),
    };
    const problems = checkComposeFile(COMPOSE, files).filter((problem) => problem.startsWith('service "collector"'));
    assert.deepEqual(problems, [
      'service "collector": deploy/docker/service.Dockerfile is not a multi-stage build',
      'service "collector": deploy/docker/service.Dockerfile does not build on node:24',
      'service "collector": deploy/docker/service.Dockerfile never runs "npm ci"',
      'service "collector": deploy/docker/service.Dockerfile never runs "tsc -b"',
    ]);
  });

  it('reports a build arg APP that names no app', () => {
    const problems = checkEdited((services) => {
      (services['anomaly']!['build'] as { args: Record<string, unknown> }).args['APP'] = 'anomalies';
    });
    assert.deepEqual(problems, ['service "anomaly": build arg APP "anomalies" is not a folder under apps/']);
  });

  it('reports an app that does not publish its HTTP_PORT, and a host port published twice', () => {
    const problems = checkEdited((services) => {
      services['anomaly']!['ports'] = ['127.0.0.1:8711:8711'];
    });
    assert.deepEqual(problems, [
      'host port 8711 is published by both "baseline" and "anomaly"',
      'service "anomaly" does not publish its HTTP_PORT 8712',
    ]);
  });

  it('reports a missing service and a Kafka that is not a single KRaft node', () => {
    const problems = checkEdited((services) => {
      delete services['mailpit'];
      (services['kafka']!['environment'] as Record<string, unknown>)['KAFKA_PROCESS_ROLES'] = 'broker';
    });
    assert.deepEqual(problems, [
      'service "reporter" depends on "mailpit", which is not a service',
      'no mail catcher service (image matching /^axllent\\/mailpit(:|$)/)',
      'service "kafka": KAFKA_PROCESS_ROLES must be broker,controller (a single KRaft node)',
    ]);
  });

  it('reports YAML that does not parse', () => {
    assert.match(checkComposeFile('services: [unclosed', REPO)[0] ?? '', /^not valid YAML/);
  });
});

// --- the checks ----------------------------------------------------------------------------------------------------

/** What each service connects to; mirrors the connection modules imported by each `apps/<name>/src/app.module.ts`. */
const SERVICE_DEPENDENCIES: Readonly<Record<ServiceName, readonly ('kafka' | 'influx')[]>> = {
  collector: ['kafka'],
  baseline: ['kafka', 'influx'],
  anomaly: ['kafka', 'influx'],
  reporter: ['kafka', 'influx'],
};

/** The non-Tideline services the compose file must run, found by image. */
const INFRASTRUCTURE = {
  kafka: /^apache\/kafka:/,
  influxdb: /^influxdb:1\./,
  chronograf: /^chronograf:/,
  'mail catcher': /^axllent\/mailpit(:|$)/,
} as const;

const DEPENDS_ON_CONDITIONS = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);

/** Reads files of the repository, by path relative to its root (where docker-compose.yml is). */
interface RepositoryFiles {
  exists(path: string): boolean;
  read(path: string): string;
}

interface PortMapping {
  readonly published: string | undefined;
  readonly target: string;
}

interface Service {
  readonly name: string;
  readonly raw: Record<string, unknown>;
  readonly image: string | undefined;
  readonly environment: Record<string, string>;
  /** depends_on target → condition. */
  readonly dependsOn: Map<string, string>;
  readonly ports: PortMapping[];
}

/**
 * Checks docker-compose.yml without a Docker engine: every service has an image or a build and publishes ports, the
 * four Tideline services depend on and point at the compose services they need, every depends_on target exists (and
 * has a healthcheck when waited on as healthy), and the build Dockerfiles exist. Returns one message per problem;
 * an empty list means the file passes.
 */
function checkComposeFile(text: string, files: RepositoryFiles): string[] {
  const problems: string[] = [];
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return [`not valid YAML: ${error instanceof Error ? error.message : String(error)}`];
  }
  const servicesNode = isRecord(document) ? document['services'] : undefined;
  if (!isRecord(servicesNode) || Object.keys(servicesNode).length === 0) return ['no "services" section'];

  const services = new Map<string, Service>();
  for (const [name, raw] of Object.entries(servicesNode)) {
    if (!isRecord(raw)) {
      problems.push(`service "${name}" is not a mapping`);
      continue;
    }
    services.set(name, readService(name, raw, problems));
  }

  for (const service of services.values()) {
    checkEveryService(service, services, files, problems);
  }
  checkHostPortsUnique(services, problems);

  const byImage = (pattern: RegExp) =>
    [...services.values()].find((s) => s.image !== undefined && pattern.test(s.image));
  for (const [role, pattern] of Object.entries(INFRASTRUCTURE)) {
    if (!byImage(pattern)) problems.push(`no ${role} service (image matching ${pattern})`);
  }
  const kafka = byImage(INFRASTRUCTURE.kafka);
  const influx = byImage(INFRASTRUCTURE.influxdb);
  if (kafka) checkKafka(kafka, problems);
  if (influx && !isRecord(influx.raw['healthcheck'])) problems.push(`service "${influx.name}" has no healthcheck`);
  const chronograf = byImage(INFRASTRUCTURE.chronograf);
  if (chronograf && influx) {
    checkPointsAt(chronograf, 'INFLUXDB_URL', urlHost(chronograf.environment['INFLUXDB_URL']), influx, problems);
  }

  for (const app of Object.keys(SERVICE_DEPENDENCIES) as ServiceName[]) {
    const service = services.get(app);
    if (!service) {
      problems.push(`no "${app}" service`);
      continue;
    }
    checkApp(app, service, kafka, influx, problems);
  }
  return problems;
}

function readService(name: string, raw: Record<string, unknown>, problems: string[]): Service {
  const image = typeof raw['image'] === 'string' && raw['image'].length > 0 ? raw['image'] : undefined;
  return {
    name,
    raw,
    image,
    environment: readEnvironment(raw['environment']),
    dependsOn: readDependsOn(name, raw['depends_on'], problems),
    ports: readPorts(name, raw['ports'], problems),
  };
}

/** `environment` as a mapping or as a list of `KEY=value`. */
function readEnvironment(node: unknown): Record<string, string> {
  if (Array.isArray(node)) {
    return Object.fromEntries(
      node
        .map((entry) => String(entry))
        .map((entry) => [entry.split('=')[0] ?? '', entry.slice(entry.indexOf('=') + 1)]),
    );
  }
  if (isRecord(node)) return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, String(value ?? '')]));
  return {};
}

/** `depends_on` as a list of names or a mapping of name → `{ condition }`. */
function readDependsOn(name: string, node: unknown, problems: string[]): Map<string, string> {
  const targets = new Map<string, string>();
  if (Array.isArray(node)) {
    for (const target of node) targets.set(String(target), 'service_started');
  } else if (isRecord(node)) {
    for (const [target, options] of Object.entries(node)) {
      const condition =
        isRecord(options) && typeof options['condition'] === 'string' ? options['condition'] : 'service_started';
      if (!DEPENDS_ON_CONDITIONS.has(condition)) {
        problems.push(`service "${name}": depends_on "${target}" has unknown condition "${condition}"`);
      }
      targets.set(target, condition);
    }
  } else if (node !== undefined) {
    problems.push(`service "${name}": depends_on is neither a list nor a mapping`);
  }
  return targets;
}

/** Short syntax `[ip:]published:target[/proto]` or long syntax `{ target, published }`. */
function readPorts(name: string, node: unknown, problems: string[]): PortMapping[] {
  if (node === undefined) return [];
  if (!Array.isArray(node)) {
    problems.push(`service "${name}": ports is not a list`);
    return [];
  }
  return node.map((entry) => {
    if (isRecord(entry)) {
      const published = entry['published'];
      return { target: String(entry['target']), published: published === undefined ? undefined : String(published) };
    }
    const parts = String(entry).split('/')[0]!.split(':');
    const target = parts.at(-1) ?? '';
    if (!/^\d+$/.test(target)) problems.push(`service "${name}": port "${String(entry)}" has no container port`);
    return { target, published: parts.length >= 2 ? parts.at(-2) : undefined };
  });
}

function checkEveryService(
  service: Service,
  services: Map<string, Service>,
  files: RepositoryFiles,
  problems: string[],
) {
  const { name, raw } = service;
  const build = raw['build'];
  if (service.image === undefined && build === undefined)
    problems.push(`service "${name}" has neither image nor build`);
  if (build !== undefined) checkBuild(name, build, files, problems);
  if (service.ports.length === 0) problems.push(`service "${name}" publishes no ports`);
  for (const [target, condition] of service.dependsOn) {
    const dependency = services.get(target);
    if (!dependency) {
      problems.push(`service "${name}" depends on "${target}", which is not a service`);
    } else if (condition === 'service_healthy' && !isRecord(dependency.raw['healthcheck'])) {
      problems.push(`service "${name}" waits for "${target}" to be healthy, but "${target}" has no healthcheck`);
    }
  }
}

function checkBuild(name: string, build: unknown, files: RepositoryFiles, problems: string[]) {
  const context = typeof build === 'string' ? build : isRecord(build) ? String(build['context'] ?? '.') : undefined;
  if (context === undefined) {
    problems.push(`service "${name}": build is neither a path nor a mapping`);
    return;
  }
  const dockerfile = joinPath(context, isRecord(build) ? String(build['dockerfile'] ?? 'Dockerfile') : 'Dockerfile');
  if (!files.exists(dockerfile)) {
    problems.push(`service "${name}": Dockerfile "${dockerfile}" does not exist`);
    return;
  }
  const text = files.read(dockerfile);
  const stages = text.match(/^FROM\s/gim)?.length ?? 0;
  if (stages < 2) problems.push(`service "${name}": ${dockerfile} is not a multi-stage build`);
  if (!/node:24/.test(text)) problems.push(`service "${name}": ${dockerfile} does not build on node:24`);
  for (const step of ['npm ci', 'tsc -b']) {
    if (!text.includes(step)) problems.push(`service "${name}": ${dockerfile} never runs "${step}"`);
  }
  const args = isRecord(build) && isRecord(build['args']) ? build['args'] : {};
  if (/^ARG APP\b/m.test(text)) {
    const app = args['APP'];
    if (typeof app !== 'string' || !files.exists(joinPath(context, `apps/${app}/package.json`))) {
      problems.push(`service "${name}": build arg APP "${String(app)}" is not a folder under apps/`);
    }
  }
}

function checkHostPortsUnique(services: Map<string, Service>, problems: string[]) {
  const owners = new Map<string, string>();
  for (const service of services.values()) {
    for (const { published } of service.ports) {
      if (published === undefined) continue;
      const owner = owners.get(published);
      if (owner !== undefined && owner !== service.name) {
        problems.push(`host port ${published} is published by both "${owner}" and "${service.name}"`);
      }
      owners.set(published, service.name);
    }
  }
}

function checkKafka(kafka: Service, problems: string[]) {
  const roles = (kafka.environment['KAFKA_PROCESS_ROLES'] ?? '').split(',').map((role) => role.trim());
  if (!roles.includes('broker') || !roles.includes('controller')) {
    problems.push(`service "${kafka.name}": KAFKA_PROCESS_ROLES must be broker,controller (a single KRaft node)`);
  }
  if (!isRecord(kafka.raw['healthcheck'])) problems.push(`service "${kafka.name}" has no healthcheck`);
}

function checkApp(
  app: ServiceName,
  service: Service,
  kafka: Service | undefined,
  influx: Service | undefined,
  problems: string[],
) {
  const env = service.environment;
  const port = env['HTTP_PORT'];
  if (port !== String(DEFAULT_HTTP_PORTS[app])) {
    problems.push(`service "${app}": HTTP_PORT is "${String(port)}", expected its default ${DEFAULT_HTTP_PORTS[app]}`);
  }
  if (!service.ports.some((mapping) => mapping.target === port)) {
    problems.push(`service "${app}" does not publish its HTTP_PORT ${String(port)}`);
  }
  if (service.raw['build'] === undefined) problems.push(`service "${app}" is not built from the repository`);

  const needs = SERVICE_DEPENDENCIES[app];
  if (needs.includes('kafka')) {
    const brokers = (env['KAFKA_BROKERS'] ?? '').split(',').filter((broker) => broker.length > 0);
    if (brokers.length === 0) problems.push(`service "${app}" has no KAFKA_BROKERS`);
    for (const broker of brokers) {
      if (kafka && !advertisedListeners(kafka).includes(broker)) {
        problems.push(`service "${app}": KAFKA_BROKERS "${broker}" is not an address "${kafka.name}" advertises`);
      }
      checkPointsAt(service, 'KAFKA_BROKERS', broker.split(':')[0], kafka, problems);
    }
  }
  if (needs.includes('influx')) {
    const url = env['INFLUX_URL'];
    if (url === undefined) {
      problems.push(`service "${app}" has no INFLUX_URL`);
    } else {
      checkPointsAt(service, 'INFLUX_URL', urlHost(url), influx, problems);
      // Inside the compose network InfluxDB listens on its own port, whatever the host publishes.
      if (urlPort(url) !== '8086') problems.push(`service "${app}": INFLUX_URL "${url}" is not port 8086`);
    }
  }
}

/** `variable` names `host`, which must be `target`'s compose name, and the service must depend on it. */
function checkPointsAt(
  service: Service,
  variable: string,
  host: string | undefined,
  target: Service | undefined,
  problems: string[],
) {
  if (!target) return;
  if (host !== target.name) {
    problems.push(
      `service "${service.name}": ${variable} points at "${String(host)}", not at the "${target.name}" service`,
    );
  }
  if (!service.dependsOn.has(target.name)) {
    problems.push(`service "${service.name}" uses "${target.name}" (${variable}) but does not depend on it`);
  }
}

/** `INTERNAL://kafka:9092,EXTERNAL://localhost:19092` → `['kafka:9092', 'localhost:19092']`. */
function advertisedListeners(kafka: Service): string[] {
  return (kafka.environment['KAFKA_ADVERTISED_LISTENERS'] ?? '')
    .split(',')
    .map((listener) => listener.replace(/^[A-Za-z_]+:\/\//, '').trim());
}

function urlHost(url: string | undefined): string | undefined {
  try {
    return url === undefined ? undefined : new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function urlPort(url: string | undefined): string | undefined {
  try {
    return url === undefined ? undefined : new URL(url).port;
  } catch {
    return undefined;
  }
}

function joinPath(context: string, path: string): string {
  const base = context.replace(/^\.\/?/, '').replace(/\/$/, '');
  return base.length === 0 ? path : `${base}/${path}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
