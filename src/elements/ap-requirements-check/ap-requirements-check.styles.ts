import { css } from 'lit';

export const requirementsCheckStyles = css`
  :host {
    --ap-requirements-check-font: var(--ap-font-family, system-ui, sans-serif);
    --ap-requirements-check-color: var(--ap-color-text, #1b1f27);
    --ap-requirements-check-background: var(--ap-color-surface, #ffffff);
    --ap-requirements-check-border: var(--ap-color-border, #d5d9e0);
    --ap-requirements-check-accent: var(--ap-color-accent, #0b57d0);
    --ap-requirements-check-radius: var(--ap-radius, 0.5rem);
    --ap-requirements-check-gap: 0.75rem;
    display: block;
    /* its width is the column's, never its content's (a long message wraps inside) */
    container-type: inline-size;
    font-family: var(--ap-requirements-check-font);
    color: var(--ap-requirements-check-color);
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: grid;
    /* no wider than the card, whatever its content */
    grid-template-columns: minmax(0, 1fr);
    gap: var(--ap-requirements-check-gap);
    padding: 1rem;
    border: 1px solid var(--ap-requirements-check-border);
    border-radius: var(--ap-requirements-check-radius);
    background: var(--ap-requirements-check-background);
  }
  h2 {
    margin: 0;
    font-size: 1.15rem;
  }
  progress {
    width: 100%;
    accent-color: var(--ap-requirements-check-accent);
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
  }
  /* a row wraps rather than overflow (long names, messages and translations): name, badge, message
     (the room left), buttons after it or on a line of their own; on a phone (390 px) the message
     and the buttons go below the name and badge */
  li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.75rem;
    padding: 0.5rem 0.25rem;
    border-bottom: 1px solid var(--ap-requirements-check-border);
  }
  .name {
    min-width: 8rem;
  }
  .message {
    flex: 1 1 10rem;
    overflow-wrap: anywhere;
  }
  figure {
    margin: 0;
    display: grid;
    gap: 0.25rem;
    justify-items: start;
  }
  figure[hidden] {
    display: none;
  }
  figcaption {
    font-size: 0.85rem;
  }
  .locked {
    margin: 0;
    font-size: 0.9rem;
  }
  li[aria-current='step'] .name {
    font-weight: 600;
  }
  .message {
    font-size: 0.9rem;
  }
  .warnings {
    flex-basis: 100%;
    margin: 0;
    padding: 0 0 0 1.2rem;
    font-size: 0.85rem;
  }
  .no-retry {
    flex-basis: 100%;
    font-size: 0.9rem;
    overflow-wrap: anywhere;
  }
  .warnings li {
    display: list-item;
    padding: 0;
    border: 0;
  }
  .optional {
    font-size: 0.8rem;
    opacity: 0.8;
  }
  .panel {
    display: grid;
    gap: 0.5rem;
  }
  .panel:empty {
    display: none;
  }
  video {
    width: min(100%, 320px);
    aspect-ratio: 4 / 3;
    background: #000;
    border-radius: var(--ap-requirements-check-radius);
  }
  .qr {
    width: 10rem;
    height: 10rem;
    flex: none;
  }
  .pairing a {
    word-break: break-all;
  }
  meter {
    width: min(100%, 320px);
    height: 1rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  button {
    font: inherit;
    padding: 0.35rem 0.9rem;
    border-radius: var(--ap-requirements-check-radius);
    border: 1px solid var(--ap-requirements-check-accent);
    background: var(--ap-requirements-check-background);
    color: var(--ap-requirements-check-accent);
    cursor: pointer;
  }
  button.primary {
    background: var(--ap-requirements-check-accent);
    color: var(--ap-color-on-accent, #fff);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--ap-requirements-check-accent);
    outline-offset: 2px;
  }
  input {
    font: inherit;
    width: 6ch;
    letter-spacing: 0.3em;
    padding: 0.3rem 0.5rem;
  }
`;
