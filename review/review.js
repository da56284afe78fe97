// @ts-check
// The reviewer dashboard: plain DOM over the reporting API, with <ap-status-badge> for every
// status. The page that mounts it loads the package (which defines the badge). Everything the
// server returns is inserted as text, never as HTML. The answers are typed by ./api.d.ts,
// generated from the server's OpenAPI document (npm run openapi:types): a field the dashboard
// reads that the server no longer sends fails `npm run typecheck`.

/** @typedef {import('./api').paths} Paths */
/**
 * @template {keyof Paths} P
 * @typedef {Paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer R } } } } } ? R : never} Answer
 */
/** @typedef {Answer<'/v1/me'>} Me */
/** @typedef {Answer<'/v1/installs/{installSid}/exams'>} ExamList */
/** @typedef {Answer<'/v1/installs/{installSid}/exams/{examSid}/sessions'>} SessionList */
/** @typedef {Answer<'/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}'>} SessionDetails */
/** @typedef {Answer<'/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}/events'>} EventList */
/** @typedef {EventList['results'][number]} EventReport */
/** @typedef {Answer<'/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}/annotations'>} AnnotationList */
/** @typedef {AnnotationList['results'][number]} Annotation */
/**
 * @typedef {Paths['/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}/review']['put']['responses'][200]['content']['application/json']} ReviewAnswer
 */
/** @typedef {Error & {code?: string, status?: number}} ApiError */

const REVIEW_OPTIONS = [
  ['unreviewed', '00'],
  ['in_review', '01'],
  ['uncertain', '10'],
  ['is_reviewed_green', '000'],
  ['is_reviewed_yellow', '001'],
  ['is_reviewed_red', '010'],
  ['unreviewable', '011'],
];
// the badge's own labels (the package's review vocabulary), so the select and the badge agree;
// a browser test compares them with <ap-status-badge>'s
const REVIEW_LABELS = {
  unreviewed: 'Unreviewed',
  in_review: 'In review',
  uncertain: 'Uncertain',
  is_reviewed_green: 'Reviewed: green',
  is_reviewed_yellow: 'Reviewed: yellow',
  is_reviewed_red: 'Reviewed: red',
  unreviewable: 'Unreviewable',
};
/** What each review status means, after the label in the select. */
const REVIEW_HINTS = {
  unreviewed: 'waits for a reviewer',
  in_review: 'a reviewer is on it',
  uncertain: 'not judged yet',
  is_reviewed_green: 'no irregularities',
  is_reviewed_yellow: 'minor irregularities',
  is_reviewed_red: 'serious irregularities',
  unreviewable: 'recordings missing',
};
const AUTHOR_KEY = 'proctor-elements.review-author';
const TOKEN_KEY = 'proctor-elements.review-token';

/** Creates an element: h('p', {class: 'x', onclick}, 'text', child). Strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}
const badge = (status, kind) => h('ap-status-badge', { status, kind });
const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

/**
 * Mounts the dashboard into `root`. `apiBase`: the results server's origin. `storage`: where the
 * token is kept for this tab (sessionStorage by default).
 * @param {HTMLElement} root
 * @param {{apiBase: string, storage?: Storage}} options
 */
export function mountReviewDashboard(root, { apiBase, storage = sessionStorage }) {
  const state = { token: storage.getItem(TOKEN_KEY) ?? '', installSid: '', examSid: '', photoUrls: [] };
  const live = h('p', { role: 'status', 'aria-live': 'polite', class: 'live' });
  const view = h('div');
  root.replaceChildren(live, view);
  const announce = (text) => (live.textContent = text);

  /**
   * @param {string} path
   * @param {{method?: string, body?: unknown}} [options]
   * @returns {Promise<any>} the JSON answer: callers type it with the generated API types
   */
  async function api(path, { method = 'GET', body } = {}) {
    const res = await fetch(apiBase.replace(/\/$/, '') + path, {
      method,
      headers: { token: state.token, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = res.headers.get('content-type')?.includes('json') ? await res.json() : undefined;
    if (!res.ok) {
      const error = /** @type {ApiError} */ (new Error(data?.message ?? `HTTP ${res.status}`));
      error.code = data?.code ?? `http_${res.status}`;
      error.status = res.status;
      throw error;
    }
    return data;
  }
  const alertBox = (error) =>
    h('p', { role: 'alert' }, `Error${error.code ? ` (${error.code})` : ''}: ${error.message}`);
  function show(...children) {
    for (const url of state.photoUrls) URL.revokeObjectURL(url);
    state.photoUrls = [];
    // absent parts (`cond ? x : null`) are left out, never rendered as the text "null"
    view.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
    // a new view: the last view's announcement ("8 sessions.") no longer applies
    announce('');
    view.querySelector('h2')?.focus();
  }
  const heading = (text) => h('h2', { tabindex: '-1' }, text);

  // --- sign in -------------------------------------------------------------------------------
  function signIn(error) {
    const input = h('input', { type: 'password', name: 'token', required: true, autocomplete: 'off' });
    const form = h(
      'form',
      {
        onsubmit: async (event) => {
          event.preventDefault();
          state.token = input.value.trim();
          await start();
        },
      },
      h('label', {}, 'API token', input),
      h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    );
    form.className = 'inline-form';
    show(
      heading('Sign in'),
      h('p', {}, 'Enter an API token of your install (npm start prints the demo token).'),
      error ? alertBox(error) : null,
      form,
    );
  }

  async function start() {
    if (!state.token) return signIn();
    try {
      /** @type {Me} */
      const me = await api('/v1/me');
      state.installSid = me.installSid;
      storage.setItem(TOKEN_KEY, state.token);
      announce(`Signed in to ${me.name}.`);
      await sessions();
    } catch (error) {
      storage.removeItem(TOKEN_KEY);
      state.token = '';
      signIn(error);
    }
  }

  // --- sessions of an exam ---------------------------------------------------------------------
  async function sessions(url) {
    // every exam, page by page (the list is paged like the others)
    /** @type {ExamList['results']} */
    const exams = [];
    for (let next = `/v1/installs/${state.installSid}/exams?limit=500`; next;) {
      /** @type {ExamList} */
      const list = await api(next);
      exams.push(...list.results);
      next = list.next ?? '';
    }
    state.examSid ||= exams[0]?.sid ?? '';
    const examSelect = h(
      'select',
      { name: 'exam' },
      exams.map((e) => h('option', { value: e.sid, selected: e.sid === state.examSid }, `${e.name} (${e.status})`)),
    );
    const reviewSelect = h(
      'select',
      { name: 'reviewStatus' },
      h('option', { value: '' }, 'Any'),
      REVIEW_OPTIONS.map(([value]) => h('option', { value }, REVIEW_LABELS[value])),
    );
    const table = h('div');
    const exam = exams.find((e) => e.sid === state.examSid);
    const load = async (pageUrl) => {
      const q = reviewSelect.value ? `&reviewStatus=${reviewSelect.value}` : '';
      /** @type {SessionList} */
      const list = await api(
        pageUrl ?? `/v1/installs/${state.installSid}/exams/${state.examSid}/sessions?limit=20&sortOrder=DESC${q}`,
      );
      table.replaceChildren(sessionTable(list, load));
      announce(`${list.total} session${list.total === 1 ? '' : 's'}.`);
    };
    examSelect.addEventListener('change', () => {
      state.examSid = examSelect.value;
      void sessions();
    });
    reviewSelect.addEventListener('change', () => void load());
    show(
      heading('Sessions'),
      h(
        'div',
        { class: 'toolbar' },
        h('label', {}, 'Exam', examSelect),
        exam ? h('span', {}, 'Exam status: ', badge(exam.status, 'exam')) : null,
        h('label', {}, 'Review status', reviewSelect),
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              storage.removeItem(TOKEN_KEY);
              state.token = '';
              signIn();
            },
          },
          'Sign out',
        ),
      ),
      table,
    );
    if (state.examSid) await load(url);
    else table.replaceChildren(h('p', {}, 'This install has no exams yet.'));
  }

  /**
   * @param {SessionList} list
   * @param {(url?: string) => Promise<void>} load
   */
  function sessionTable(list, load) {
    if (!list.total) return h('p', {}, 'No sessions yet.');
    const rows = list.results.map((s) =>
      h(
        'tr',
        {},
        h('td', {}, s.candidateName ?? s.candidateEmail ?? s.testAttemptId),
        h('td', {}, badge(s.sessionStatus, 'session')),
        h('td', {}, badge(s.reviewStatus, 'review')),
        h('td', {}, s.trustScore === null ? '—' : `${s.trustScore}/100${s.reviewRequired ? ' (needs review)' : ''}`),
        h('td', {}, String(s.sessionReportCount)),
        h('td', {}, time(s.createdDate)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              'aria-label': `Open session of ${s.candidateName ?? s.testAttemptId}`,
              onclick: () => void session(s.sid),
            },
            'Open',
          ),
        ),
      ),
    );
    const pager = h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', disabled: !list.prev, onclick: () => void load(list.prev) }, 'Previous page'),
      h('span', {}, `${list.offset + 1}–${list.offset + list.count} of ${list.total}`),
      h('button', { type: 'button', disabled: !list.next, onclick: () => void load(list.next) }, 'Next page'),
    );
    return h(
      'div',
      {},
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h('caption', {}, 'Sessions, newest first'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Candidate', 'Session status', 'Review', 'Trust Score', 'Events', 'Created'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
              h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
            ),
          ),
          h('tbody', {}, rows),
        ),
      ),
      pager,
    );
  }

  // --- one session -----------------------------------------------------------------------------
  async function session(sessionSid) {
    const base = `/v1/installs/${state.installSid}/exams/${state.examSid}/sessions/${sessionSid}`;
    /** @type {SessionDetails} */
    const d = await api(base);
    // the Trust Score, statuses, counts and the evidence timeline with photos: <ap-report>
    const report = h('ap-report', {
      endpoint: apiBase,
      'install-sid': state.installSid,
      'exam-sid': state.examSid,
      'session-sid': sessionSid,
    });
    report.token = state.token;
    const select = h(
      'select',
      { name: 'review' },
      REVIEW_OPTIONS.map(([value, code]) =>
        h(
          'option',
          { value, selected: value === d.reviewStatus },
          `${REVIEW_LABELS[value]} (${code}): ${REVIEW_HINTS[value]}`,
        ),
      ),
    );
    const reviewForm = h(
      'form',
      {
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            /** @type {ReviewAnswer} */
            const r = await api(`${base}/review`, { method: 'PUT', body: { status: select.value } });
            void report.reload();
            announce(`Review status saved: ${REVIEW_LABELS[r.status]} (code ${r.code}).`);
          } catch (error) {
            announce(`Could not save the review status: ${error.message}`);
          }
        },
      },
      h('label', {}, 'Review status', select),
      h('button', { type: 'submit', class: 'primary' }, 'Save review'),
    );
    reviewForm.className = 'inline-form';
    const notes = h('ul', { class: 'annotations' });
    const startedMs = Date.parse(d.inProgressDate ?? d.recordingStartDate ?? '');
    /** @type {Map<string, EventReport>} */
    const eventsBySid = new Map();
    const eventText = (e) => `${e.code} ${e.type} at ${new Date(e.startedDate).toLocaleTimeString()}`;
    /** @param {Annotation} a */
    const addNote = (a) => {
      const linked = a.eventReportSid ? eventsBySid.get(a.eventReportSid) : undefined;
      notes.append(
        h(
          'li',
          {},
          h('strong', {}, a.type === 'note' ? 'Note' : a.type === 'incident' ? 'Incident' : 'Dismissal'),
          ` ${time(a.createdDate)}${a.author ? ` — ${a.author}` : ''}`,
          a.eventReportSid ? ` (on event ${linked ? eventText(linked) : a.eventReportSid})` : '',
          ': ',
          a.text,
        ),
      );
    };
    const text = h('textarea', { name: 'text', rows: 3, required: true, maxlength: 4000 });
    const type = h(
      'select',
      { name: 'type' },
      h('option', { value: 'note' }, 'Note'),
      h('option', { value: 'incident' }, 'Incident'),
      h('option', { value: 'dismissal' }, 'Dismissal (false alarm)'),
    );
    // who wrote it (kept for the next annotation in this tab) and the event it is about, if any
    const author = h('input', {
      name: 'author',
      autocomplete: 'name',
      maxlength: 200,
      value: storage.getItem(AUTHOR_KEY) ?? '',
    });
    const eventSelect = h('select', { name: 'event' }, h('option', { value: '' }, 'The whole session'));
    const noteForm = h(
      'form',
      {
        class: 'note-form',
        onsubmit: async (event) => {
          event.preventDefault();
          const linked = eventSelect.value ? eventsBySid.get(eventSelect.value) : undefined;
          const offsetMs = linked ? Date.parse(linked.startedDate) - startedMs : NaN;
          try {
            /** @type {Annotation} */
            const a = await api(`${base}/annotations`, {
              method: 'POST',
              body: {
                text: text.value,
                type: type.value,
                ...(author.value.trim() ? { author: author.value.trim() } : {}),
                ...(linked ? { eventReportSid: linked.sid } : {}),
                ...(offsetMs >= 0 ? { offsetMs: Math.round(offsetMs) } : {}),
              },
            });
            if (author.value.trim()) storage.setItem(AUTHOR_KEY, author.value.trim());
            addNote(a);
            text.value = '';
            announce('Annotation added.');
          } catch (error) {
            announce(`Could not add the annotation: ${error.message}`);
          }
        },
      },
      h('label', { class: 'wide' }, 'Annotation', text),
      h('label', {}, 'Kind', type),
      h('label', {}, 'About', eventSelect),
      h('label', {}, 'Your name', author),
      h('button', { type: 'submit', class: 'primary' }, 'Add annotation'),
    );
    show(
      h('p', {}, h('button', { type: 'button', onclick: () => void sessions() }, 'Back to sessions')),
      heading(`Session of ${d.candidateName ?? d.candidateEmail ?? d.testAttemptId}`),
      h(
        'dl',
        { class: 'details' },
        h('dt', {}, 'Started'),
        h('dd', {}, time(d.inProgressDate ?? d.recordingStartDate)),
        h('dt', {}, 'Finished'),
        h('dd', {}, time(d.finishedDate)),
        h('dt', {}, 'Duration'),
        h('dd', {}, d.duration === null ? '—' : `${Math.round(d.duration / 60)} min (${d.duration} s)`),
        h('dt', {}, 'Event reports'),
        h('dd', {}, String(d.sessionReportCount)),
      ),
      reviewForm,
      report,
      h('h3', {}, 'Annotations'),
      notes,
      noteForm,
    );
    /** @type {EventList} */
    const events = await api(`${base}/events?limit=500`);
    for (const e of events.results) {
      eventsBySid.set(e.sid, e);
      eventSelect.append(h('option', { value: e.sid }, eventText(e)));
    }
    /** @type {AnnotationList} */
    const annotations = await api(`${base}/annotations?limit=500`);
    annotations.results.forEach(addNote);
  }

  void start();
  return { refresh: start };
}
