/** Facts about gitlab-runner installs: filled in by the runner collector (issue 3). */
export interface RunnerFacts {
  /** Paths searched for config.toml, so "no runner found" is an honest answer. */
  searched: string[];
}
