import { TOPICS, deadLetterTopic } from '@tideline/contracts';

/** The SCRAM mechanisms a secured broker enables (kafkajs speaks both). */
export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

export interface SecuredListenerSettings {
  /** Loopback host the SASL_SSL listener binds and advertises. */
  readonly host: string;
  readonly port: number;
  /** The stack's controller listener port (it stays PLAINTEXT, on loopback). */
  readonly controllerPort: number;
  /** The broker's PKCS12 key store (its certificate and key) and its password. */
  readonly keyStore: string;
  readonly keyStorePassword: string;
  /** PEM certificate(s) the broker trusts, for its own inter-broker connection. */
  readonly trustedPem: string;
  /** The super user: the broker authenticates as it to itself, and it may do anything (create topics and ACLs). */
  readonly admin: { readonly username: string; readonly password: string };
  /** The mechanism the broker uses to itself; default SCRAM-SHA-512. */
  readonly interBrokerMechanism?: ScramMechanism;
}

/**
 * The lines that turn the stack's plaintext broker (`renderKafkaServerProperties`) into one with a SASL_SSL client
 * listener, SCRAM authentication and ACLs (KRaft's StandardAuthorizer, nothing allowed without an ACL). Appended
 * after the stack's properties: Java properties keep the last value of a key, so these listener lines win.
 *
 * The controller listener stays PLAINTEXT on loopback; its principal (User:ANONYMOUS) must be a super user there, since
 * the broker registers with the controller through it. Beyond one machine, make it SSL with client certificates.
 */
export function renderSecuredListenerProperties(settings: SecuredListenerSettings): string {
  const mechanism = settings.interBrokerMechanism ?? 'SCRAM-SHA-512';
  const listener = `SASL_SSL://${settings.host}:${settings.port}`;
  return [
    '# security overlay: SASL_SSL client listener, SCRAM users, ACLs',
    `listeners=${listener},CONTROLLER://${settings.host}:${settings.controllerPort}`,
    `advertised.listeners=${listener}`,
    'inter.broker.listener.name=SASL_SSL',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    `sasl.enabled.mechanisms=${SCRAM_MECHANISMS.join(',')}`,
    `sasl.mechanism.inter.broker.protocol=${mechanism}`,
    // one login per enabled mechanism (the broker's side of each; the inter-broker one also logs the broker in)
    ...SCRAM_MECHANISMS.map(
      (enabled) => `listener.name.sasl_ssl.${enabled.toLowerCase()}.sasl.jaas.config=${scramJaas(settings.admin)}`,
    ),
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${escapeProperty(settings.keyStore)}`,
    `ssl.keystore.password=${escapeProperty(settings.keyStorePassword)}`,
    `ssl.key.password=${escapeProperty(settings.keyStorePassword)}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${escapeProperty(settings.trustedPem)}`,
    'ssl.client.auth=none',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${settings.admin.username};User:ANONYMOUS`,
    'allow.everyone.if.no.acl.found=false',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

/** The JAAS line of a SCRAM login (values in double quotes, `\` and `"` escaped). */
export function scramJaas(user: { readonly username: string; readonly password: string }): string {
  const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return escapeProperty(
    `org.apache.kafka.common.security.scram.ScramLoginModule required username=${quote(user.username)} password=${quote(user.password)};`,
  );
}

/**
 * `kafka-storage format` arguments that create SCRAM credentials for each user under each mechanism, so the broker
 * starts with its users (no second JVM for `kafka-configs --alter --add-config`). Names and passwords may not hold
 * `,`, `[`, `]` or `=` (the tool's own syntax).
 */
export function scramFormatArgs(
  users: Readonly<Record<string, string>>,
  mechanisms: readonly ScramMechanism[] = SCRAM_MECHANISMS,
): string[] {
  const args: string[] = [];
  for (const [name, password] of Object.entries(users)) {
    for (const text of [name, password]) {
      if (/[,[\]=\s]/.test(text) || text === '')
        throw new Error(`a SCRAM user name or password may not contain , [ ] = or spaces: ${name}`);
    }
    for (const mechanism of mechanisms) args.push('--add-scram', `${mechanism}=[name=${name},password=${password}]`);
  }
  return args;
}

/** One ACL: `principal` may do `operations` on a resource. */
export interface TidelineAcl {
  readonly resourceType: 'topic' | 'group';
  /** Literal name, or a prefix when `prefixed`. */
  readonly name: string;
  readonly prefixed?: boolean;
  readonly operations: readonly ('READ' | 'WRITE' | 'DESCRIBE')[];
}

/** Group ids: the services' configured consumer groups, and the per-start groups their compacted-table readers use. */
const GROUPS = {
  baseline: 'tideline-baseline',
  anomaly: 'tideline-anomaly',
  webhooks: 'tideline-webhooks',
  baselineCheckpoints: 'tideline-baseline-checkpoints',
  anomalyAlertState: 'tideline-anomaly-alert-state',
} as const;

const produce = (topic: string): TidelineAcl => ({
  resourceType: 'topic',
  name: topic,
  operations: ['WRITE', 'DESCRIBE'],
});
const consume = (topic: string): TidelineAcl => ({
  resourceType: 'topic',
  name: topic,
  operations: ['READ', 'DESCRIBE'],
});
/** A topic the service checks exists at start (`ensureTopics`) but neither reads nor writes. */
const see = (topic: string): TidelineAcl => ({ resourceType: 'topic', name: topic, operations: ['DESCRIBE'] });
const group = (name: string, prefixed = false): TidelineAcl => ({
  resourceType: 'group',
  name,
  prefixed,
  operations: ['READ'],
});

/**
 * The least each Tideline principal needs on a broker with ACLs, topics created beforehand by the admin (the services
 * create only missing topics, and see a topic only with Describe on it). Only the collector and SDK principals write the metrics topic; only the anomaly
 * principal writes the alerts and alert-state topics. Topic names are libs/contracts' `TOPICS`, group ids the config's
 * defaults: change both together. docs/operations.md lists these as `kafka-acls` commands (a unit test holds it to
 * this table).
 */
export const TIDELINE_KAFKA_ACLS: Readonly<
  Record<'collector' | 'sdk' | 'baseline' | 'anomaly' | 'reporter', readonly TidelineAcl[]>
> = {
  collector: [produce(TOPICS.metrics)],
  sdk: [produce(TOPICS.metrics)],
  baseline: [
    consume(TOPICS.metrics),
    group(GROUPS.baseline),
    produce(deadLetterTopic(TOPICS.metrics)),
    produce(TOPICS.baselines),
    { resourceType: 'topic', name: TOPICS.modelCheckpoints, operations: ['READ', 'WRITE', 'DESCRIBE'] },
    group(GROUPS.baselineCheckpoints, true),
    produce(TOPICS.pointsDeadLetter),
    // it makes sure this exists at start (the baselines topic's own dead-letter topic, which the anomaly service
    // writes); without Describe it looks missing and it tries to create it
    see(deadLetterTopic(TOPICS.baselines)),
  ],
  anomaly: [
    // Write too: calm points that resolve the alert of a self-monitoring series whose instance went silent
    { resourceType: 'topic', name: TOPICS.baselines, operations: ['READ', 'WRITE', 'DESCRIBE'] },
    group(GROUPS.anomaly),
    produce(deadLetterTopic(TOPICS.baselines)),
    { resourceType: 'topic', name: TOPICS.alertState, operations: ['READ', 'WRITE', 'DESCRIBE'] },
    group(GROUPS.anomalyAlertState, true),
    { resourceType: 'topic', name: TOPICS.alerts, operations: ['READ', 'WRITE', 'DESCRIBE'] },
    group(GROUPS.webhooks),
    produce(deadLetterTopic(TOPICS.alerts)),
    produce(TOPICS.pointsDeadLetter),
  ],
  reporter: [],
};

/** The `kafka-acls.sh` command that grants one ACL to `User:<principal>` (as docs/operations.md shows them). */
export function kafkaAclsCommand(principal: string, acl: TidelineAcl): string {
  const resource = acl.resourceType === 'topic' ? `--topic ${acl.name}` : `--group ${acl.name}`;
  const pattern = acl.prefixed ? ' --resource-pattern-type prefixed' : '';
  const operations = acl.operations.map((operation) => ` --operation ${titleCase(operation)}`).join('');
  return `kafka-acls.sh --bootstrap-server $BROKER --command-config admin.properties --add --allow-principal User:${principal}${operations} ${resource}${pattern}`;
}

function titleCase(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}

/** Java .properties values treat `\` as an escape character. */
function escapeProperty(value: string): string {
  return value.replace(/\\/g, '\\\\');
}
