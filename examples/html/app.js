// A file, not an inline script: the reference server's pages forbid inline scripts (CSP).
const checks = document.getElementById('checks');
const badge = document.getElementById('badge');
// a property, set from JavaScript (works before or after the tag is defined)
checks.settings = { bandwidth: { minDownloadMbps: 1 } };
checks.addEventListener('ap-check-change', (event) => (badge.status = event.detail.status));
checks.addEventListener('ap-checks-complete', (event) => {
  document.getElementById('result').textContent = event.detail.passed ? 'Ready.' : 'Not ready.';
});
