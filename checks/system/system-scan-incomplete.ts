import { defineCheck, findingsOrPass, type FindingDraft } from '../../agent/core/check.js';
import { listSome } from './common.js';

export const systemScanIncomplete = defineCheck({
  meta: {
    id: 'system-scan-incomplete',
    title: 'Host only partly scanned',
    severity: 'medium',
    category: 'build-dirs',
    rationale:
      'The walk of a job-written tree is bounded in entries, depth and time so a hostile job cannot hang or flood the agent. When a bound bites, or the directory itself is a symlink, what lies beyond was not judged: a job can hide working copies or credentials there, so a cut walk must never read as a clean one. Files that could not be read safely (a FIFO where a config belongs, a symlinked home) leave the same kind of blind spot.',
    remediation: 'Look at the named place: remove the huge or deep trees jobs left, or raise system.max_walk_entries / max_walk_depth in runner-warden\'s config if the tree is legitimate.',
    gitlabSection: 'git-cleanup',
    references: [{ title: 'Security for self-managed runners', url: 'https://docs.gitlab.com/runner/security/' }],
    requires: ['system'],
  },
  evaluate(facts) {
    const system = facts.domains.system;
    const unread: FindingDraft[] =
      system.errors.length === 0
        ? []
        : [
            {
              subject: { kind: 'host', id: 'system-facts' },
              message: `${system.errors.length} part${system.errors.length === 1 ? '' : 's'} of the host could not be read safely: checks on them saw nothing`,
              evidence: listSome(system.errors, 3),
              severity: 'low',
              remediation: 'Look at each named file or directory: replace what is not a regular file or directory, and fix its permissions.',
            },
          ];
    return findingsOrPass([
      ...unread,
      ...system.buildDirs
        .filter((dir) => dir.problem !== null || dir.walk.limits.length > 0)
        .map((dir): FindingDraft => ({
          subject: { kind: 'path' as const, id: dir.path },
          message: dir.problem !== null ? `${dir.path} was not scanned: ${dir.problem}` : `the scan of ${dir.path} stopped at its ${dir.walk.limits.join(', ')} limit: what lies beyond was not judged`,
          evidence: dir.problem ?? `${dir.walk.entries} entries seen; cut at ${listSome(dir.walk.truncatedAt)}`,
          // A symlinked builds dir is a job redirecting the scan (or the runner's builds) elsewhere.
          severity: dir.problem !== null ? 'high' : 'medium',
        })),
    ]);
  },
});
