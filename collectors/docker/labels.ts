import { safeText } from '../../agent/lib/sanitize.js';
import type { RunnerJobLabels } from './types.js';

const PREFIX = 'com.gitlab.gitlab-runner.';

/** gitlab-runner's labels on a container or volume; null when it carries none. */
export function runnerLabels(labels: ReadonlyMap<string, string>): RunnerJobLabels | null {
  let labelled = false;
  const get = (name: string, max = 100): string | null => {
    const value = labels.get(PREFIX + name);
    if (value === undefined) return null;
    labelled = true;
    const clean = safeText(value.trim(), max);
    return clean === '' ? null : clean;
  };
  const facts: RunnerJobLabels = {
    runnerShortToken: get('runner.id', 40),
    projectId: get('project.id', 40),
    jobId: get('job.id', 40),
    jobUrl: get('job.url', 300),
    pipelineId: get('pipeline.id', 40),
    ref: get('job.ref', 200),
    type: get('type', 40),
    managed: get('managed', 10) === 'true',
  };
  if (!labelled) for (const name of labels.keys()) if (name.startsWith(PREFIX)) labelled = true;
  return labelled ? facts : null;
}
