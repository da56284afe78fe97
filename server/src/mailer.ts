/** Outgoing email, pluggable. The default logs and suppresses, as ProctorExam's suppressed mode does. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Writes one log line per message and sends nothing. */
export class LoggingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  constructor(private readonly log: (line: string) => void = (line) => console.log(line)) {}
  send(message: MailMessage): Promise<void> {
    this.sent.push(message);
    this.log(`email suppressed (logging mailer): to ${message.to}: ${message.subject}`);
    return Promise.resolve();
  }
}
