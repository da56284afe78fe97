import type { ReportData } from '../../src/index.js';

/**
 * A finished attempt as `<ap-report>` shows it (tests and screenshots): Trust Score 71, needs
 * review, a 4.2 s "more than one person" (counted twice), a tab switch still going on, the
 * candidate's name and e-mail. With `photo` (a data: URL), a random photo first in the timeline.
 */
export function finishedReport(photo?: string): ReportData {
  const at = (minute: number, second = 0) => Date.UTC(2026, 0, 5, 9, minute, second);
  return {
    testAttemptId: 'attempt-42',
    trustScore: 71,
    needsReview: true,
    sessionStatus: 'exam_finished',
    reviewStatus: 'unreviewed',
    startedAt: at(0),
    finishedAt: at(30),
    counts: { multiple_people: 2, tab_switch: 1, ...(photo ? { random_photo: 1 } : {}) },
    evidence: [
      ...(photo ? [{ id: 'a', code: 5003, type: 'random_photo' as const, startedAt: at(1), photo }] : []),
      { id: 'b', code: 5002, type: 'multiple_people', startedAt: at(5), endedAt: at(5, 4), durationMs: 4200 },
      { id: 'c', code: 5005, type: 'tab_switch', startedAt: at(7) },
    ],
    source: 'device',
    userDetails: { name: 'Ada Lovelace', email: 'ada@example.org' },
  };
}
