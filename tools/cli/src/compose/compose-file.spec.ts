import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { checkComposeFile, type RepositoryFiles } from './compose-file';

// Compiled to tools/cli/dist/compose/: the repository root is four levels up.
const ROOT = resolve(__dirname, '../../../..');
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
