/** Registers every proctor-elements tag. Import once: `import 'proctor-elements/define.js'`. */
import './define/ap-status-badge.js';
import './define/ap-requirements-check.js';
import './define/ap-monitor.js';
import './define/ap-mobile-camera.js';
import './define/ap-report.js';
// types only (erased from the JavaScript): brings the AutoProctor window events' declarations
// (WindowEventMap) to pages that import nothing but this file
export type { AutoProctorReport } from './compat/autoproctor.js';
