import { describe, expect, it } from 'vitest';
import { dockerPrivateImageIfNotPresent } from '../../checks/docker/docker-private-image-if-not-present.js';
import { dockerRunnerVolumeShared } from '../../checks/docker/docker-runner-volume-shared.js';
import { parseImage } from '../../collectors/docker/images.js';
import type { RunnerVolumeFacts } from '../../collectors/docker/types.js';
import { dockerFacts, jobLabels, run, snapshot, summary } from './builders.js';
import { dockerSection, runnerEntry, runnerFacts } from './runner-builders.js';

const privateImage = parseImage({ Id: 'sha256:' + 'e'.repeat(64), RepoTags: ['registry.example.com/image/name:latest'], RepoDigests: [], Size: 1000, Created: 1_700_000_000 });
const hubImage = parseImage({ Id: 'sha256:' + 'f'.repeat(64), RepoTags: ['alpine:3.20', 'library/node:20'], Size: 1000, Created: 1_700_000_000 });
const helperImage = parseImage({ Id: 'sha256:' + '1'.repeat(64), RepoTags: ['registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-v17.3.1'], Size: 1000, Created: 1_700_000_000 });
const ifNotPresent = dockerSection({ pullPolicy: ['if-not-present'], effectivePullPolicies: ['if-not-present'], effectiveAllowedPullPolicies: ['if-not-present'] });

describe('docker-private-image-if-not-present (the page\'s user A / user B example)', () => {
  it.each([
    [
      'a private image cached, runner pulls if-not-present',
      [privateImage, hubImage, helperImage],
      [runnerEntry({ docker: ifNotPresent })],
      [{ severity: 'high', subject: 'image:registry.example.com/image/name:latest', message: 'image registry.example.com/image/name:latest from registry.example.com is cached here and runner shared-docker would start it for any job, even one without access to that registry' }],
    ],
    [
      'jobs may request if-not-present',
      [privateImage],
      [runnerEntry({ docker: dockerSection({ allowedPullPolicies: ['always', 'if-not-present'], effectiveAllowedPullPolicies: ['always', 'if-not-present'] }) })],
      [{ severity: 'high', subject: 'image:registry.example.com/image/name:latest', message: 'image registry.example.com/image/name:latest from registry.example.com is cached here and runner shared-docker would start it for any job, even one without access to that registry' }],
    ],
    ['runner pulls always', [privateImage], [runnerEntry()], []],
    ['only Docker Hub and GitLab helper images cached', [hubImage, helperImage], [runnerEntry({ docker: ifNotPresent })], []],
  ] as const)('%s', (_name, images, runners, expected) => {
    const outcome = run(dockerPrivateImageIfNotPresent, snapshot({ docker: dockerFacts({ images: [...images] }), runner: runnerFacts([...runners]) }));
    expect(summary(outcome.findings)).toEqual(expected);
    for (const finding of outcome.findings) expect(finding.runner).toEqual({ name: 'shared-docker', id: 'fp1:1111111111111111', configPath: '/etc/gitlab-runner/config.toml' });
  });

  it('is not applicable when no docker runner uses this engine', () => {
    const remote = runnerEntry({ docker: dockerSection({ ...ifNotPresent, host: 'tcp://10.0.0.9:2376' }) });
    const shell = runnerEntry({ executor: 'shell', docker: null });
    const outcome = run(dockerPrivateImageIfNotPresent, snapshot({ docker: dockerFacts({ images: [privateImage] }), runner: runnerFacts([remote, shell]) }));
    expect(outcome.status).toBe('not-applicable');
  });

  it('is an error when runner facts are missing', () => {
    expect(run(dockerPrivateImageIfNotPresent, snapshot({ docker: dockerFacts({ images: [privateImage] }) })).status).toBe('error');
  });
});

describe('docker-runner-volume-shared', () => {
  const volume = (projectIds: string[]): RunnerVolumeFacts => ({
    name: 'runner-xY9zAbCd1-project-42-concurrent-0-cache-3c3f0c',
    driver: 'local',
    created: null,
    labels: jobLabels({ type: 'cache', jobId: null }),
    destination: '/cache',
    protectedRef: false,
    projectIds,
    runnerShortTokens: ['xY9zAbCd1'],
  });

  it('reports a volume serving two projects', () => {
    const outcome = run(dockerRunnerVolumeShared, snapshot({ docker: dockerFacts({ runnerVolumes: [volume(['42', '77'])] }) }));
    expect(summary(outcome.findings)).toEqual([
      { severity: 'medium', subject: 'volume:runner-xY9zAbCd1-project-42-concurrent-0-cache-3c3f0c', message: 'runner cache volume runner-xY9zAbCd1-project-42-concurrent-0-cache-3c3f0c serves 2 projects (42, 77)' },
    ]);
    expect(outcome.findings[0]?.runner?.name).toBe('runner xY9zAbCd1');
  });

  it('passes volumes serving one project', () => {
    expect(run(dockerRunnerVolumeShared, snapshot({ docker: dockerFacts({ runnerVolumes: [volume(['42'])] }) })).status).toBe('pass');
  });
});

describe('images with many tags', () => {
  it('judges every tag and counts them, listing only the first 64', () => {
    const hubTags = Array.from({ length: 100 }, (_, i) => `alpine:${i}`);
    const image = parseImage({ Id: 'sha256:' + 'a'.repeat(64), RepoTags: [...hubTags, 'registry.example.com/private/app:1'], Size: 1, Created: 1_700_000_000 });
    expect(image.tags).toHaveLength(64);
    expect(image.tagCount).toBe(101);
    expect(image.looksPrivate).toBe(true);
    expect(image.registries).toEqual(['docker.io', 'registry.example.com']);
  });
});
