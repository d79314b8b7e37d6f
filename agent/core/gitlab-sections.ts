/**
 * The sections of GitLab's page "Security for self-managed runners" that checks cite.
 * Every check names one, so a finding always leads back to the risk GitLab describes.
 */
const PAGE = 'https://docs.gitlab.com/runner/security/';

export const GITLAB_SECTIONS = {
  'executor-risks': { title: 'Security risks for different executors', anchor: 'security-risks-for-different-executors' },
  'shell-executor': { title: 'Usage of Shell executor', anchor: 'usage-of-shell-executor' },
  'docker-executor': { title: 'Usage of Docker executor', anchor: 'usage-of-docker-executor' },
  'if-not-present': {
    title: 'Usage of private Docker images with if-not-present pull policy',
    anchor: 'usage-of-private-docker-images-with-if-not-present-pull-policy',
  },
  'docker-installed': { title: 'Systems with Docker installed', anchor: 'systems-with-docker-installed' },
  'ssh-executor': { title: 'Usage of SSH executor', anchor: 'usage-of-ssh-executor' },
  'cloning-runner': { title: 'Cloning a runner', anchor: 'cloning-a-runner' },
  'git-strategy-fetch': {
    title: 'Security risks when using GIT_STRATEGY: fetch on shared environments',
    anchor: 'security-risks-when-using-git_strategy-fetch-on-shared-environments',
  },
  'privileged-containers': {
    title: 'Reduce the security risk of using privileged containers',
    anchor: 'reduce-the-security-risk-of-using-privileged-containers',
  },
  'network-segmentation': { title: 'Network segmentation', anchor: 'network-segmentation' },
  'secure-host': { title: 'Secure the runner host', anchor: 'secure-the-runner-host' },
  'git-cleanup': { title: 'Clean up the .git folder after each build', anchor: 'clean-up-the-git-folder-after-each-build' },
} as const;

export type GitLabSection = keyof typeof GITLAB_SECTIONS;

export function gitlabSectionUrl(section: GitLabSection): string {
  return `${PAGE}#${GITLAB_SECTIONS[section].anchor}`;
}
