import { ApStatusBadge } from '../elements/ap-status-badge/ap-status-badge.js';

if (!customElements.get('ap-status-badge')) customElements.define('ap-status-badge', ApStatusBadge);

declare global {
  interface HTMLElementTagNameMap {
    'ap-status-badge': ApStatusBadge;
  }
}
