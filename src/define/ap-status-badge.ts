import { ensureContextRoot } from '../context/context-root.js';
import { ApStatusBadge } from '../elements/ap-status-badge/ap-status-badge.js';

ensureContextRoot();
if (!customElements.get('ap-status-badge')) customElements.define('ap-status-badge', ApStatusBadge);

declare global {
  interface HTMLElementTagNameMap {
    'ap-status-badge': ApStatusBadge;
  }
}
