import './ap-status-badge.js'; // the report shows its statuses with badges
import { ApReport } from '../elements/ap-report/ap-report.js';

if (!customElements.get('ap-report')) customElements.define('ap-report', ApReport);

declare global {
  interface HTMLElementTagNameMap {
    'ap-report': ApReport;
  }
}
