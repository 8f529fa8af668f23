import { DEFAULT_INFLUX_DATABASE, MEASUREMENTS } from '@tideline/contracts';
import * as path from 'node:path';
import type { AppService } from './app-services';
import { influxUrl, kafkaBrokers, type StackSettings } from '@tideline/devstack';

/** What `tideline up` prints once everything answers: where to look next. */
export function whereToLook(settings: StackSettings, apps: readonly AppService[]): string[] {
  const query = `SELECT "value" FROM "${MEASUREMENTS.points}" WHERE time > now() - 5m GROUP BY "series" LIMIT 3`;
  const relative = path.relative(process.cwd(), settings.paths.runDir);
  const runDir = relative.startsWith('..') || path.isAbsolute(relative) ? settings.paths.runDir : relative;
  return [
    '',
    'Tideline is up.',
    '  Health:',
    ...apps.map((app) => `    ${app.name.padEnd(10)} http://${settings.host}:${app.port}/health   (metrics: /metrics)`),
    `  Kafka:      ${kafkaBrokers(settings)}`,
    `  InfluxDB:   ${influxUrl(settings)}   e.g. the latest points:`,
    `    curl -G '${influxUrl(settings)}/query?db=${DEFAULT_INFLUX_DATABASE}' --data-urlencode '${`q=${query}`}'`,
    '  Follow alerts:',
    '    npx tideline alerts --follow',
    `  Logs:       ${runDir}/<name>.log   (npx tideline stack logs <name> --follow)`,
    '  Status / stop:   npx tideline status   /   npx tideline down',
  ];
}
