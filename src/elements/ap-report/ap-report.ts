import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ErrorCode, ProctorError, messageOf } from '../../errors.js';
import { ApErrorEvent } from '../../events/ap-error.js';
import { fromOutbox, fromServer, type ReportData, type ReportEvidence } from '../../report/report-data.js';
import { DURATIONAL_TYPES, type EvidenceType } from '../../reporting/types.js';
import { reportMessages } from './ap-report.messages.js';
import { reportStyles } from './ap-report.styles.js';

/**
 * An attempt's proctoring report: the Trust Score, the session and review statuses, the evidence
 * counted by type, and the timeline of evidence with its photos. From this device's outbox
 * (`test-attempt-id`), from the results server for a reviewer (`endpoint`, `install-sid`,
 * `exam-sid`, `session-sid` and the `token` property), or from `data` set directly (as
 * `AutoProctor.showReport()` does).
 *
 * @summary A proctoring report (Trust Score, counts, evidence timeline with photos).
 *
 * @fires ap-error - `{code, message}`: the report could not be read (unreachable server, bad token, no IndexedDB;
 *   4118 `REPORT_NOT_FOUND` when `test-attempt-id` names an attempt this device's outbox does not hold), shown
 *   as an alert in place of the report.
 *
 * @csspart base - The report.
 * @csspart score - The Trust Score.
 * @csspart counts - The table of counts by type.
 * @csspart timeline - The evidence list.
 * @csspart photo - A photo in the timeline.
 *
 * @cssproperty --ap-report-font - Font family.
 * @cssproperty --ap-report-color - Text colour.
 * @cssproperty --ap-report-background - Background.
 * @cssproperty --ap-report-border - Border colour.
 * @cssproperty --ap-report-accent - Accent (focus ring, score when no review is needed).
 * @cssproperty --ap-report-warning - The score's colour when review is needed (always with text).
 * @cssproperty --ap-report-radius - Corner radius.
 * @cssproperty --ap-report-photo-width - Width of an opened photo. Default `320px`.
 */
export class ApReport extends LitElement {
  static override styles = reportStyles;

  /** The report to show; set by the loaders below, or directly. */
  @property({ attribute: false }) data?: ReportData;
  /** Local mode: the attempt to read from this device's evidence outbox. */
  @property({ attribute: 'test-attempt-id' }) testAttemptId = '';
  /** Local mode: the outbox's IndexedDB name (default `proctor-elements`). */
  @property({ attribute: 'outbox-name' }) outboxName = '';
  /** Reviewer mode: the results server's origin. */
  @property() endpoint = '';
  @property({ attribute: 'install-sid' }) installSid = '';
  @property({ attribute: 'exam-sid' }) examSid = '';
  @property({ attribute: 'session-sid' }) sessionSid = '';
  /** Reviewer mode: a reporting API token (a property only: never put it in markup). */
  @property({ attribute: false }) token = '';

  @state() private errorMessage?: string;
  private lastError?: { code: number; message: string };
  @state() private loading = false;
  @state() private photos: Record<string, string> = {};
  private objectUrls: string[] = [];
  private generation = 0;

  /**
   * Why the last load failed (`{code, message}`), `undefined` after a successful one. The same as the
   * last `ap-error`, for a page that adds its listener after the element already loaded.
   */
  get error(): { code: number; message: string } | undefined {
    return this.lastError;
  }

  /** Reads the report again from its source (outbox or server). */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    const serverMode = !!this.endpoint;
    if (!serverMode && !this.testAttemptId) return;
    this.loading = true;
    this.errorMessage = undefined;
    this.lastError = undefined;
    try {
      const data = serverMode
        ? await fromServer({
            endpoint: this.endpoint,
            token: this.token,
            installSid: this.installSid,
            examSid: this.examSid,
            sessionSid: this.sessionSid,
          })
        : await fromOutbox(this.testAttemptId, { outboxName: this.outboxName || undefined });
      // nothing at all for it here: not an empty report that reads like a clean attempt
      if (!serverMode && data.startedAt === undefined && !data.evidence.length)
        throw new ProctorError(ErrorCode.REPORT_NOT_FOUND, reportMessages().notFound(this.testAttemptId));
      if (generation === this.generation) this.data = data;
    } catch (error) {
      if (generation !== this.generation) return;
      const typed = error instanceof ProctorError ? error.toJSON() : { code: 4111, message: messageOf(error) };
      this.errorMessage = `${typed.message} (${typed.code})`;
      this.lastError = typed;
      this.dispatchEvent(new ApErrorEvent(typed));
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const sources = [
      'testAttemptId',
      'outboxName',
      'endpoint',
      'installSid',
      'examSid',
      'sessionSid',
      'token',
    ] as const;
    if (sources.some((k) => changed.has(k))) void this.reload();
    if (changed.has('data')) this.revokePhotos();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.revokePhotos();
  }

  private revokePhotos() {
    for (const url of this.objectUrls) URL.revokeObjectURL(url);
    this.objectUrls = [];
    if (Object.keys(this.photos).length) this.photos = {};
  }

  /** Server photos need the token: fetched when their disclosure is opened. */
  private async openPhoto(e: ReportEvidence, event: Event) {
    if (!(event.target as HTMLDetailsElement).open || !e.photoUrl || this.photos[e.id]) return;
    try {
      const response = await fetch(e.photoUrl, { headers: { token: this.token } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      this.objectUrls.push(url);
      this.photos = { ...this.photos, [e.id]: url };
    } catch {
      this.photos = { ...this.photos, [e.id]: '' };
    }
  }

  protected override render() {
    const m = reportMessages();
    const data = this.data;
    if (!data)
      return html`<section part="base" class="base" aria-busy=${this.loading ? 'true' : 'false'}>
        <h2>${m.heading}</h2>
        <p role=${this.errorMessage ? 'alert' : 'status'}>${this.errorMessage ?? (this.loading ? m.loading : '')}</p>
      </section>`;
    const label = (type: string) => m.evidenceLabels[type as EvidenceType] ?? type;
    // a 5003 photo says which: at the start, the screen after a tab switch, or a random one
    const what = (e: ReportEvidence) =>
      e.type === 'random_photo'
        ? (m.photoKinds[e.data?.kind as keyof typeof m.photoKinds] ?? m.photoKinds.random)
        : label(e.type);
    const clock = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour12: false });
    const counts = Object.entries(data.counts).filter(([, n]) => (n ?? 0) > 0);
    const user = data.userDetails;
    const candidate = user && [user.name, user.email].filter((v) => typeof v === 'string' && v).join(', ');
    return html`<section
      part="base"
      class="base"
      aria-labelledby="heading"
      aria-busy=${this.loading ? 'true' : 'false'}
    >
      <header>
        <h2 id="heading">${m.heading}</h2>
        <dl class="facts">
          <div>
            <dt>${m.attempt}</dt>
            <dd>${data.testAttemptId}</dd>
          </div>
          ${
            candidate
              ? html`<div>
                  <dt>${m.candidate}</dt>
                  <dd>${candidate}</dd>
                </div>`
              : nothing
          }
        </dl>
        <div class="badges">
          ${
            data.sessionStatus
              ? html`<ap-status-badge kind="session" status=${data.sessionStatus}></ap-status-badge>`
              : nothing
          }
          ${
            data.reviewStatus
              ? html`<ap-status-badge kind="review" status=${data.reviewStatus}></ap-status-badge>`
              : nothing
          }
        </div>
        <p class="source">${data.source === 'server' ? m.sourceServer : m.sourceDevice}</p>
      </header>
      ${this.errorMessage ? html`<p role="alert">${this.errorMessage}</p>` : nothing}
      <div part="score" class="score ${data.needsReview ? 'review' : 'clear'}" role="group" aria-label=${m.trustScore}>
        <span class="label">${m.trustScore}</span>
        ${
          data.trustScore === null
            ? html`<span class="value pending">${m.notScored}</span>`
            : html`<span class="value">${data.trustScore}<span class="of">/100</span></span>
                <span class="verdict">${data.needsReview ? `⚠ ${m.needsReview}` : `✓ ${m.noReviewNeeded}`}</span>`
        }
      </div>
      <table part="counts">
        <caption>
          ${m.counts}
        </caption>
        <thead>
          <tr>
            <th scope="col">${m.type}</th>
            <th scope="col">${m.count}</th>
          </tr>
        </thead>
        <tbody>
          ${
            counts.length
              ? counts.map(
                  ([type, n]) =>
                    html`<tr>
                      <th scope="row">${label(type)}</th>
                      <td>${n}</td>
                    </tr>`,
                )
              : html`<tr>
                  <td colspan="2">${m.noEvidence}</td>
                </tr>`
          }
        </tbody>
      </table>
      <h3 id="timeline">${m.timeline}</h3>
      ${
        data.evidence.length
          ? html`<ol part="timeline" aria-labelledby="timeline">
              ${data.evidence.map((e) => this.renderItem(e, what(e), clock(e.startedAt)))}
            </ol>`
          : html`<p>${m.noEvidence}</p>`
      }
    </section>`;
  }

  private renderItem(e: ReportEvidence, label: string, time: string) {
    const m = reportMessages();
    const duration =
      e.durationMs !== undefined
        ? m.seconds(Math.round(e.durationMs / 100) / 10)
        : e.endedAt === undefined && e.data?.ongoing !== false && DURATIONAL_TYPES.has(e.type as EvidenceType)
          ? m.ongoing
          : '';
    const src = e.photo ?? this.photos[e.id];
    const hasPhoto = !!e.photo || !!e.photoUrl;
    return html`<li>
      <time datetime=${new Date(e.startedAt).toISOString()}>${time}</time>
      <span class="what">${label}</span>
      <span class="code">${e.code}</span>
      ${duration ? html`<span class="duration">${duration}</span>` : nothing}
      ${
        hasPhoto
          ? html`<details @toggle=${(ev: Event) => void this.openPhoto(e, ev)}>
              <summary aria-label=${m.photoAlt(label, time)}>${m.showPhoto}</summary>
              ${
                src
                  ? html`<img part="photo" src=${src} alt=${m.photoAlt(label, time)} />`
                  : src === ''
                    ? html`<p role="alert">${m.photoUnavailable}</p>`
                    : html`<p role="status">${m.photoLoading}</p>`
              }
            </details>`
          : e.photoPending
            ? html`<span class="pending">(${m.photoPending})</span>`
            : nothing
      }
    </li>`;
  }
}
