import { css } from 'lit';

export const monitorStyles = css`
  :host {
    --ap-monitor-font: var(--ap-font-family, system-ui, sans-serif);
    --ap-monitor-color: var(--ap-color-text, #1b1f27);
    --ap-monitor-background: var(--ap-color-surface, #ffffff);
    --ap-monitor-border: var(--ap-color-border, #d5d9e0);
    --ap-monitor-warning: var(--ap-color-warning-fg, #6b4500);
    --ap-monitor-accent: var(--ap-color-accent, #0b57d0);
    --ap-monitor-radius: var(--ap-radius, 0.5rem);
    --ap-monitor-preview-width: 200px;
    display: inline-block;
    font-family: var(--ap-monitor-font);
    color: var(--ap-monitor-color);
  }
  :host([hidden]),
  :host([state='destroyed']) {
    display: none;
  }
  .base {
    display: grid;
    gap: 0.5rem;
    padding: 0.5rem;
    border: 1px solid var(--ap-monitor-border);
    border-radius: var(--ap-monitor-radius);
    background: var(--ap-monitor-background);
  }
  video {
    width: var(--ap-monitor-preview-width);
    aspect-ratio: 4 / 3;
    background: #000;
    border-radius: var(--ap-monitor-radius);
  }
  .indicator {
    display: flex;
    gap: 0.4rem;
    align-items: center;
    font-size: 0.9rem;
  }
  .indicator ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .violation {
    color: var(--ap-monitor-warning);
    font-weight: 600;
  }
  .violation::before {
    content: '⚠ ';
  }
  button {
    font: inherit;
    padding: 0.3rem 0.8rem;
    border-radius: var(--ap-monitor-radius);
    border: 1px solid var(--ap-monitor-accent);
    background: var(--ap-monitor-accent);
    color: var(--ap-color-on-accent, #fff);
    cursor: pointer;
  }
  button:focus-visible {
    outline: 3px solid var(--ap-monitor-accent);
    outline-offset: 2px;
  }
`;
