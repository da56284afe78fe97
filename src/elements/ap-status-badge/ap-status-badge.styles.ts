import { css } from 'lit';

export const statusBadgeStyles = css`
  :host {
    --ap-status-badge-font: var(--ap-font-family, system-ui, sans-serif);
    --ap-status-badge-font-size: var(--ap-font-size-small, 0.875rem);
    --ap-status-badge-radius: var(--ap-radius-pill, 999px);
    --ap-status-badge-padding: 0.2em 0.7em 0.2em 0.5em;
    --ap-status-badge-gap: 0.35em;
    --ap-status-badge-border-width: 1px;
    --ap-status-badge-color: var(--ap-color-neutral-fg, #3b4250);
    --ap-status-badge-background: var(--ap-color-neutral-bg, #eef0f3);
    --ap-status-badge-border-color: var(--ap-color-neutral-border, #b9bfc9);
    display: inline-block;
    vertical-align: middle;
  }
  :host([hidden]) {
    display: none;
  }
  :host([tone='progress']) {
    --ap-status-badge-color: var(--ap-color-progress-fg, #0b4f9c);
    --ap-status-badge-background: var(--ap-color-progress-bg, #e3efff);
    --ap-status-badge-border-color: var(--ap-color-progress-border, #8db7ec);
  }
  :host([tone='success']) {
    --ap-status-badge-color: var(--ap-color-success-fg, #0d5e2c);
    --ap-status-badge-background: var(--ap-color-success-bg, #e2f5e8);
    --ap-status-badge-border-color: var(--ap-color-success-border, #86c99d);
  }
  :host([tone='warning']) {
    --ap-status-badge-color: var(--ap-color-warning-fg, #6b4500);
    --ap-status-badge-background: var(--ap-color-warning-bg, #fff3d6);
    --ap-status-badge-border-color: var(--ap-color-warning-border, #e3b552);
  }
  :host([tone='danger']) {
    --ap-status-badge-color: var(--ap-color-danger-fg, #8a1620);
    --ap-status-badge-background: var(--ap-color-danger-bg, #fde6e8);
    --ap-status-badge-border-color: var(--ap-color-danger-border, #e5939a);
  }
  .base {
    display: inline-flex;
    align-items: center;
    gap: var(--ap-status-badge-gap);
    padding: var(--ap-status-badge-padding);
    border: var(--ap-status-badge-border-width) solid var(--ap-status-badge-border-color);
    border-radius: var(--ap-status-badge-radius);
    background: var(--ap-status-badge-background);
    color: var(--ap-status-badge-color);
    font-family: var(--ap-status-badge-font);
    font-size: var(--ap-status-badge-font-size);
    font-weight: 500;
    line-height: 1.4;
    white-space: nowrap;
  }
  .base.empty {
    padding: 0;
    border: 0;
    background: none;
  }
  .icon {
    display: inline-flex;
    width: 1em;
    height: 1em;
    flex: none;
  }
  .icon svg {
    width: 100%;
    height: 100%;
  }
  .description {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
