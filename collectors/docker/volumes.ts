import { safeText } from '../../agent/lib/sanitize.js';
import { labelsAt, textAt } from './json.js';
import { runnerLabels } from './labels.js';
import type { ContainerFacts, RunnerVolumeFacts } from './types.js';

/**
 * Runner volumes from `/volumes` entries (those with gitlab-runner labels), with the projects and
 * runners they serve: their own labels plus the job containers that mount them.
 */
export function parseRunnerVolumes(entries: unknown[], containers: readonly ContainerFacts[]): { volumes: RunnerVolumeFacts[]; others: number } {
  const volumes: RunnerVolumeFacts[] = [];
  let others = 0;
  for (const entry of entries) {
    const labels = labelsAt(entry, 'Labels');
    const job = runnerLabels(labels);
    if (!job) {
      others++;
      continue;
    }
    const name = textAt(entry, 'Name', 300);
    const projectIds = new Set<string>();
    const runners = new Set<string>();
    if (job.projectId) projectIds.add(job.projectId);
    if (job.runnerShortToken) runners.add(job.runnerShortToken);
    for (const container of containers) {
      if (!container.job || !container.mounts.some((mount) => mount.volumeName === name)) continue;
      if (container.job.projectId) projectIds.add(container.job.projectId);
      if (container.job.runnerShortToken) runners.add(container.job.runnerShortToken);
    }
    const protectedLabel = labels.get('com.gitlab.gitlab-runner.protected');
    const destination = labels.get('com.gitlab.gitlab-runner.destination');
    volumes.push({
      name,
      driver: textAt(entry, 'Driver', 100),
      created: textAt(entry, 'CreatedAt', 50) || null,
      labels: job,
      destination: destination === undefined ? null : safeText(destination, 300),
      protectedRef: protectedLabel === undefined ? null : protectedLabel === 'true',
      projectIds: [...projectIds].sort(),
      runnerShortTokens: [...runners].sort(),
    });
  }
  return { volumes, others };
}
