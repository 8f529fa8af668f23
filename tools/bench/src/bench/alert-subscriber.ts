// A subscriber to the bench's alerts topic, run as its own process by `tideline bench e2e`: in the bench process the
// load generator keeps the event loop busy, which would add its own delay to every receive time and be counted as
// ingest→alert latency. Prints "ready" once consuming, then one JSON line per alert.
//   node alert-subscriber.js <brokers> <topic> <group>
import { createKafka } from '@tideline/kafka';
import type { AlertEvent } from '@tideline/contracts';

/** What the subscriber reports for each alert it receives. */
export interface ReceivedAlert {
  readonly state: AlertEvent['state'];
  readonly host: string;
  /** Event time of the point that moved the alert (ms). */
  readonly updatedAt: number;
  /** When this process received it (ms). */
  readonly at: number;
  /** The record's CreateTime: when the anomaly service produced it (ms). */
  readonly producedAt: number;
}

async function main(): Promise<void> {
  const [brokers, topic, groupId] = process.argv.slice(2);
  if (!brokers || !topic || !groupId) throw new Error('usage: alert-subscriber <brokers> <topic> <group>');
  const consumer = createKafka({ brokers: brokers.split(','), clientId: 'tideline-bench-alerts' }).consumer({
    groupId,
    maxWaitTimeInMs: 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = Date.now();
      if (!message.value) return;
      const alert = JSON.parse(message.value.toString('utf8')) as AlertEvent;
      const line: ReceivedAlert = {
        state: alert.state,
        host: alert.host,
        updatedAt: alert.updatedAt,
        at,
        producedAt: Number(message.timestamp),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    },
  });
  process.stdout.write('ready\n');
  const stop = () => void consumer.disconnect().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`alert-subscriber: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
