/** Outgoing email, pluggable. The default logs and suppresses, as ProctorExam's suppressed mode does. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * A structured log sink (Fastify's pino logger fits): values go in `fields`, never into `msg`, so a
 * subject holding a newline (from an exam name) is escaped by the JSON encoder and cannot forge a line.
 */
export type LogSink = (fields: Record<string, unknown>, msg: string) => void;
const jsonLine: LogSink = (fields, msg) => console.log(JSON.stringify({ level: 30, time: Date.now(), msg, ...fields }));

/** Writes one log line per message and sends nothing; keeps the last 1 000 messages in `sent`. */
export class LoggingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  constructor(private readonly log: LogSink = jsonLine) {}
  send(message: MailMessage): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > 1000) this.sent.splice(0, this.sent.length - 1000);
    this.log({ to: message.to, subject: message.subject }, 'email suppressed (logging mailer)');
    return Promise.resolve();
  }
}
