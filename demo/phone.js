// the code comes from the exam page's QR code; signalling goes through this server
// (a file, not an inline script, so the page's Content-Security-Policy can forbid inline scripts)
const camera = document.getElementById('camera');
camera.setAttribute('pairing-code', new URLSearchParams(location.search).get('code') ?? '');
// the server's root is the folder above demo/ (not location.origin: a proxy may mount the server under a path prefix)
camera.setAttribute('signalling-url', new URL('..', location.href).href);
