import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { TidelineError } from '@tideline/errors';

/** One e-mail: what nodemailer needs, with inline PNG attachments referenced as `cid:` from the HTML. */
export interface ReportMessage {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: readonly { readonly filename: string; readonly cid: string; readonly content: Buffer }[];
}

export interface SendResult {
  /** SMTP: the server's answer; outbox: the .eml path. */
  readonly deliveredTo: string;
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
}

export interface MailTransport {
  readonly description: string;
  send(message: ReportMessage): Promise<SendResult>;
  close(): void;
}

/** A failed send. Retriable: the server is unreachable, timed out, or answered 4xx (try again later). */
export class MailDeliveryError extends TidelineError {}

export interface SmtpSettings {
  readonly url?: string;
  readonly host?: string;
  readonly port: number;
  readonly secure: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  readonly timeoutMs: number;
}

const RETRIABLE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

function classify(error: unknown): MailDeliveryError {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  // 4xx: the server says "later"; network failures: it may be back later. 5xx, auth and envelope errors are permanent.
  const retriable =
    responseCode !== undefined ? responseCode >= 400 && responseCode < 500 : RETRIABLE_CODES.has(e.code ?? '');
  return new MailDeliveryError(`SMTP: ${e.message ?? String(error)}`, {
    retriable,
    code: e.code ?? (responseCode !== undefined ? `smtp_${responseCode}` : 'smtp_error'),
    cause: error,
  });
}

function toMail(message: ReportMessage): SendMailOptions {
  return {
    messageId: message.messageId,
    from: message.from,
    to: [...message.to],
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      cid: a.cid,
      content: a.content,
      contentType: 'image/png',
      contentDisposition: 'inline' as const,
    })),
  };
}

/** Sends over SMTP with nodemailer (STARTTLS when offered, implicit TLS with `secure`). */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;
  readonly description: string;

  constructor(settings: SmtpSettings) {
    const timeouts = {
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
    };
    if (settings.url) {
      this.transporter = createTransport({ url: settings.url, ...timeouts } as SMTPTransport.Options);
      const u = new URL(settings.url);
      this.description = `${u.protocol}//${u.host}`;
    } else {
      this.transporter = createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        ...(settings.auth ? { auth: { user: settings.auth.user, pass: settings.auth.pass } } : {}),
        ...timeouts,
      });
      this.description = `smtp${settings.secure ? 's' : ''}://${settings.host}:${settings.port}`;
    }
  }

  async send(message: ReportMessage): Promise<SendResult> {
    try {
      const info = await this.transporter.sendMail(toMail(message));
      return {
        deliveredTo: `${this.description} ${info.response}`,
        accepted: info.accepted.map(String),
        rejected: info.rejected.map(String),
      };
    } catch (error) {
      throw classify(error);
    }
  }

  close(): void {
    this.transporter.close();
  }
}

/** Without SMTP config: writes each message as an RFC 5322 `.eml` file to the outbox folder. */
export class OutboxMailTransport implements MailTransport {
  private readonly transporter = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = `outbox ${dir}`;
  }

  async send(message: ReportMessage): Promise<SendResult> {
    const info = (await this.transporter.sendMail(toMail(message))) as { message: Buffer };
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${message.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`);
    await writeFile(file, info.message);
    return { deliveredTo: file, accepted: [...message.to], rejected: [] };
  }

  close(): void {
    this.transporter.close();
  }
}
