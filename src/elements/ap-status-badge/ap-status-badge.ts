import { LitElement, html, svg, nothing, type PropertyValues, type SVGTemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { sessionContext, type SessionContextValue } from '../../context/session-context.js';
import { messages } from '../../messages.js';
import { describeStatus, type StatusInfo, type StatusKind, type Tone } from '../../statuses.js';
import { statusBadgeStyles } from './ap-status-badge.styles.js';

/** Where a badge takes its status from: a fixed `status`, the session, or one check's result. */
export type StatusBadgeSource = '' | 'session' | `check:${string}`;

const ICONS: Record<Tone | 'unknown', SVGTemplateResult> = {
  neutral: svg`<circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="2"/>`,
  progress: svg`<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="2"/><path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
  success: svg`<path d="M3 8.5l3.2 3.2L13 4.8" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>`,
  warning: svg`<path d="M8 1.8l6.6 12H1.4z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/><path d="M8 6.3v3.6M8 11.7v.1" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`,
  danger: svg`<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="2"/><path d="M5.6 5.6l4.8 4.8M10.4 5.6l-4.8 4.8" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
  unknown: svg`<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M6.2 6.3a1.9 1.9 0 113 1.5c-.8.5-1.2.9-1.2 1.7M8 11.6v.1" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`,
};

const warned = new Set<string>();

/**
 * Shows a session, exam, check or review status as a pill with an icon and text.
 *
 * @summary A status pill (icon + text, never colour alone) with `role="status"`.
 *
 * @csspart base - The pill.
 * @csspart icon - The icon's box.
 * @csspart label - The text.
 *
 * @cssproperty --ap-status-badge-color - Text and icon colour (per tone).
 * @cssproperty --ap-status-badge-background - Background (per tone).
 * @cssproperty --ap-status-badge-border-color - Border colour (per tone).
 * @cssproperty --ap-status-badge-border-width - Border width. Default `1px`.
 * @cssproperty --ap-status-badge-radius - Corner radius. Default `var(--ap-radius-pill, 999px)`.
 * @cssproperty --ap-status-badge-padding - Inner padding.
 * @cssproperty --ap-status-badge-gap - Space between icon and text.
 * @cssproperty --ap-status-badge-font - Font family. Default `var(--ap-font-family, system-ui)`.
 * @cssproperty --ap-status-badge-font-size - Font size. Default `var(--ap-font-size-small, 0.875rem)`.
 */
export class ApStatusBadge extends LitElement {
  static override styles = statusBadgeStyles;

  @consume({ context: sessionContext, subscribe: true })
  private session?: SessionContextValue;

  /** The status value to show, e.g. `exam_started` or `failed`. Ignored when `source` is set. */
  @property({ reflect: true }) status = '';

  /** The vocabulary of `status`; inferred from the value when empty. */
  @property({ reflect: true }) kind: StatusKind | '' = '';

  /** Follow the surrounding session context: `session` or `check:<name>` (e.g. `check:webcam`). */
  @property({ reflect: true }) source: StatusBadgeSource = '';

  /** The tone of the shown status (read-only; reflected for styling). */
  @property({ reflect: true }) tone: Tone = 'neutral';

  /** What the badge currently shows; `undefined` for an unknown or empty value. */
  get info(): StatusInfo | undefined {
    const value = this.currentValue();
    return value ? describeStatus(value, this.effectiveKind() || undefined) : undefined;
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const value = this.currentValue();
    const info = this.info;
    this.tone = info?.tone ?? 'neutral';
    if (value && !info && !warned.has(`${this.kind}:${value}`)) {
      warned.add(`${this.kind}:${value}`);
      console.warn(`<ap-status-badge>: unknown status "${value}"${this.kind ? ` for kind "${this.kind}"` : ''}.`);
    }
  }

  private currentValue(): string {
    if (this.source === 'session') return this.session?.sessionStatus ?? '';
    if (this.source.startsWith('check:')) {
      const name = this.source.slice('check:'.length) as keyof SessionContextValue['checks'];
      return this.session?.checks[name]?.status ?? (this.session ? 'not_started' : '');
    }
    return this.status;
  }

  private effectiveKind(): StatusKind | '' {
    if (this.source === 'session') return 'session';
    if (this.source.startsWith('check:')) return 'check';
    return this.kind;
  }

  protected override render() {
    const value = this.currentValue();
    const info = this.info;
    const m = messages();
    const key = info ? (`${info.kind}:${info.value}` as const) : undefined;
    // no status yet (data still loading, a context not provided yet): an empty live region, so
    // the status is announced when it arrives and nothing claims it is unknown meanwhile
    if (!value) return html`<span part="base" class="base empty" role="status"></span>`;
    const label = info ? (m.statusLabels[key!] ?? info.label) : `${m.unknownStatus}: ${value}`;
    const description = info ? (m.statusDescriptions[key!] ?? info.description) : '';
    return html`<span part="base" class="base" role="status" aria-describedby=${description ? 'description' : nothing}
      ><span part="icon" class="icon" aria-hidden="true"
        ><svg viewBox="0 0 16 16" focusable="false">${ICONS[info ? info.tone : 'unknown']}</svg></span
      ><span part="label" class="label">${label}</span
      >${description ? html`<span id="description" class="description">${description}</span>` : nothing}</span
    >`;
  }
}
