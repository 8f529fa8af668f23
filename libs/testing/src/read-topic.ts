import type { Kafka, IHeaders } from 'kafkajs';
import { expectEventually } from './expect-eventually';
import { uniqueGroup } from './unique-names';

/** A message read back by {@link readTopic}. */
export interface ReadMessage {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/**
 * Reads a topic from the beginning with a throwaway group until at least `count` messages arrived, or `until` says the
 * messages so far are enough (e.g. by the records inside them: a bundle carries several), or the timeout; then returns
 * them. For assertions in integration tests (e.g. what landed in a dead-letter topic).
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: (
    | { readonly count: number; readonly until?: never }
    | { readonly until: (messages: readonly ReadMessage[]) => boolean; readonly count?: never }
  ) & { readonly timeoutMs?: number },
): Promise<ReadMessage[]> {
  const enough = options.until ?? ((messages: readonly ReadMessage[]) => messages.length >= options.count!);
  const consumer = kafka.consumer({ groupId: uniqueGroup('read-topic'), maxWaitTimeInMs: 200 });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        messages.push({
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        });
      },
    });
    await expectEventually(
      () => {
        if (!enough(messages)) throw new Error(`read ${messages.length} messages from ${topic}, not yet enough`);
      },
      { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 50 },
    );
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
