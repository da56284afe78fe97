// built by `npm run build:examples` (esbuild); a file, not an inline script (the server's CSP)
import { mount } from './dist/app.js';
mount(document.getElementById('root'));
