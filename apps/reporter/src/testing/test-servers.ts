// What the reporter's integration tests read the output with (not used by the reporter itself): Debian's Chromium,
// driven by playwright-core, and a real SMTP server on loopback.
import { once } from 'node:events';
import { SMTPServer } from 'smtp-server';

/** Debian's Chromium (no browser download); `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), and nothing that reaches out to the network on its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A real SMTP server on loopback that keeps every message it accepts. */
export class TestSmtp {
  readonly messages: Buffer[] = [];
  private server: SMTPServer | undefined;
  constructor(readonly port: number) {}
  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.messages.push(Buffer.concat(chunks));
          callback();
        });
      },
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server.server, 'listening');
  }
  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((done) => this.server!.close(() => done()));
  }
}
