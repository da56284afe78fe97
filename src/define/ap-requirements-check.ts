import { ApRequirementsCheck } from '../elements/ap-requirements-check/ap-requirements-check.js';
import './ap-status-badge.js';

if (!customElements.get('ap-requirements-check')) customElements.define('ap-requirements-check', ApRequirementsCheck);

declare global {
  interface HTMLElementTagNameMap {
    'ap-requirements-check': ApRequirementsCheck;
  }
}
