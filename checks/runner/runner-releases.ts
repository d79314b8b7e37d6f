/**
 * gitlab-runner minor releases, shipped with the tool (never fetched). GitLab releases a minor
 * version on the third Thursday of each month and backports security fixes to the current
 * minor and the two before it. Update this list with each runner-warden release.
 */
export const RUNNER_RELEASES = {
  /** When this list was last checked against the runner's tags. */
  asOf: '2026-08-22',
  /** Newest first: minor version and its release date. */
  minors: [
    { version: '19.3', released: '2026-08-20' },
    { version: '19.2', released: '2026-07-16' },
    { version: '19.1', released: '2026-06-18' },
    { version: '19.0', released: '2026-05-21' },
    { version: '18.11', released: '2026-04-16' },
    { version: '18.10', released: '2026-03-19' },
    { version: '18.9', released: '2026-02-19' },
    { version: '18.8', released: '2026-01-15' },
  ],
  /** How many of the newest minors receive security fixes. */
  maintainedMinors: 3,
} as const;
