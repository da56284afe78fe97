import { css } from 'lit';

export const reportStyles = css`
  :host {
    --ap-report-font: var(--ap-font-family, system-ui, sans-serif);
    --ap-report-color: var(--ap-color-text, #1b1f27);
    --ap-report-background: var(--ap-color-surface, #ffffff);
    --ap-report-border: var(--ap-color-border, #d5d9e0);
    --ap-report-accent: var(--ap-color-accent, #0b57d0);
    --ap-report-warning: var(--ap-color-warning-fg, #6b4500);
    --ap-report-radius: var(--ap-radius, 0.5rem);
    --ap-report-photo-width: 320px;
    display: block;
    font-family: var(--ap-report-font);
    color: var(--ap-report-color);
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: grid;
    gap: 0.75rem;
    padding: 1rem;
    border: 1px solid var(--ap-report-border);
    border-radius: var(--ap-report-radius);
    background: var(--ap-report-background);
  }
  h2,
  h3 {
    margin: 0;
  }
  h2 {
    font-size: 1.25rem;
  }
  h3 {
    font-size: 1rem;
  }
  .facts {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1.5rem;
    margin: 0.25rem 0;
  }
  .facts div {
    display: flex;
    gap: 0.4rem;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .badges {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .source {
    margin: 0.25rem 0 0;
    font-size: 0.85rem;
  }
  .score {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.5rem 1rem;
  }
  .score .label {
    font-weight: 600;
  }
  .score .value {
    font-size: 2rem;
    font-weight: 700;
    color: var(--ap-report-accent);
  }
  .score.review .value,
  .score.review .verdict {
    color: var(--ap-report-warning);
  }
  .score .value.pending {
    font-size: 1rem;
    font-weight: 400;
    color: inherit;
  }
  .of {
    font-size: 1rem;
    font-weight: 400;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    max-width: 32rem;
  }
  caption {
    text-align: start;
    font-weight: 600;
    padding-bottom: 0.25rem;
  }
  th,
  td {
    text-align: start;
    padding: 0.25rem 0.5rem;
    border-bottom: 1px solid var(--ap-report-border);
  }
  td {
    text-align: end;
  }
  th[scope='row'] {
    font-weight: 400;
  }
  ol {
    margin: 0;
    padding-inline-start: 1.25rem;
    display: grid;
    gap: 0.4rem;
  }
  li time {
    font-variant-numeric: tabular-nums;
    margin-inline-end: 0.5rem;
  }
  .code,
  .duration {
    margin-inline-start: 0.5rem;
    font-size: 0.85rem;
  }
  summary {
    cursor: pointer;
    width: fit-content;
  }
  summary:focus-visible {
    outline: 2px solid var(--ap-report-accent);
    outline-offset: 2px;
  }
  img {
    display: block;
    width: var(--ap-report-photo-width);
    max-width: 100%;
    margin-top: 0.25rem;
    border-radius: var(--ap-report-radius);
  }
`;
