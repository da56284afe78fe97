import { html, nothing } from 'lit';

// qrcode-generator is loaded only by pages that run the mobile check (~8 KB gz saved for the others)
type QrFactory = typeof import('qrcode-generator');
let factory: QrFactory | undefined;
let loading: Promise<void> | undefined;

/** Loads the QR encoder once; resolves when `qrCode()` can draw. After a failure the next call tries again. */
export function loadQrCode(): Promise<void> {
  return (loading ??= import('qrcode-generator').then(
    (m: QrFactory | { default: QrFactory }) => {
      factory = 'default' in m ? m.default : m;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}

/**
 * `text` as a QR code (qrcode-generator, error correction M), an SVG image with an accessible name;
 * nothing until `loadQrCode()` has resolved.
 */
export function qrCode(text: string, label: string) {
  if (!factory) return nothing;
  const qr = factory(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const quiet = 4;
  let d = '';
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
  const size = n + 2 * quiet;
  return html`<svg
    part="qr"
    class="qr"
    role="img"
    aria-label=${label}
    viewBox=${`0 0 ${size} ${size}`}
    shape-rendering="crispEdges"
  >
    <rect width=${size} height=${size} fill="#fff"></rect>
    <path d=${d} fill="#000"></path>
  </svg>`;
}
