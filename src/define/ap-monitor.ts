import { ApMonitor } from '../elements/ap-monitor/ap-monitor.js';

if (!customElements.get('ap-monitor')) customElements.define('ap-monitor', ApMonitor);

declare global {
  interface HTMLElementTagNameMap {
    'ap-monitor': ApMonitor;
  }
}
