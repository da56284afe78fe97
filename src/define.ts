/** Registers every proctor-elements tag. Import once: `import 'proctor-elements/define.js'`. */
import './define/ap-status-badge.js';
import './define/ap-requirements-check.js';
import './define/ap-monitor.js';
import './define/ap-mobile-camera.js';
import './define/ap-report.js';
