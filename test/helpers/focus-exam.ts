import { until } from './monitor.js';

/** What test/fixtures/pages/focus-exam.html posts to its parent, tagged with its `id`. */
export interface FrameMessage {
  frame: string;
  type: string;
  id?: string;
  code?: number;
  data?: Record<string, unknown> | null;
  resumed?: boolean;
  value?: boolean;
  codes?: number[];
}

/**
 * test/fixtures/pages/focus-exam.html (an exam page with a `MonitorSession`) in an iframe of this
 * page, and every message it posts. `query` is added to its URL (e.g. `{ track: 'tabSwitch' }`);
 * `origin` serves it from another origin; `prepare` styles the frame before it loads; `page` loads
 * another page of test/fixtures/pages that posts the same messages (ap-monitor-exam.html: the
 * `<ap-monitor>` element's events, as an integrator's listeners see them).
 */
export function focusExam(
  name: string,
  {
    query = {},
    origin = '',
    prepare,
    page = 'focus-exam.html',
  }: {
    query?: Record<string, string>;
    origin?: string;
    prepare?: (frame: HTMLIFrameElement) => void;
    page?: string;
  } = {},
) {
  const id = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
  const messages: FrameMessage[] = [];
  const onMessage = (e: MessageEvent<FrameMessage>) => e.data?.frame === id && messages.push(e.data);
  addEventListener('message', onMessage);
  const frame = document.createElement('iframe');
  const src = `${origin}/test/fixtures/pages/${page}?${new URLSearchParams({ id, ...query })}`;
  frame.src = src;
  prepare?.(frame);
  document.body.append(frame);
  return {
    id,
    frame,
    src,
    messages,
    /** Resolves once the exam has started `n` times (1, then 2 after a reload…). */
    started: (n = 1, ms = 20000) =>
      until(() => messages.filter((m) => m.type === 'started').length >= n, ms, 'the exam started'),
    /** `resumed` of each start so far: [false, true] after one reload. */
    resumes: () => messages.filter((m) => m.type === 'started').map((m) => m.resumed),
    /** Stops listening and removes the frame. */
    remove() {
      removeEventListener('message', onMessage);
      frame.remove();
    },
  };
}
