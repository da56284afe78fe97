/** Outgoing email, pluggable. The default logs and suppresses, as ProctorExam's suppressed mode does. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}
export interface Mailer {
  /** Sends `message`; `log` is the caller's sink (a request's logger, so its lines carry the `reqId`). */
  send(message: MailMessage, log?: LogSink): Promise<void>;
}

/**
 * A structured log sink (Fastify's pino logger fits): values go in `fields`, never into `msg`, so a
 * subject holding a newline (from an exam name) is escaped by the JSON encoder and cannot forge a line.
 */
export type LogSink = (fields: Record<string, unknown>, msg: string) => void;
const jsonLine: LogSink = (fields, msg) => console.log(JSON.stringify({ level: 30, time: Date.now(), msg, ...fields }));

/** An address's domain for the log (`ada@example.org` → `example.org`): a candidate's address is personal data. */
export const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/**
 * Writes one info line per message, `{toDomain, subject}` (the recipient's domain only), to the
 * caller's sink or else its own, and sends nothing; keeps the last 1 000 messages in `sent`.
 */
export class LoggingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  constructor(private readonly log: LogSink = jsonLine) {}
  send(message: MailMessage, log: LogSink = this.log): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > 1000) this.sent.splice(0, this.sent.length - 1000);
    log({ toDomain: domainOf(message.to), subject: message.subject }, 'email suppressed (logging mailer)');
    return Promise.resolve();
  }
}
