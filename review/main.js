// a file, not an inline script, so the page's Content-Security-Policy can forbid inline scripts
import { mountReviewDashboard } from '/review/review.js';

mountReviewDashboard(document.getElementById('dashboard'), { apiBase: location.origin });
