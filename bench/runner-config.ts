/**
 * The gitlab-runner config.toml of the loaded host: 20 runners over every common executor,
 * many with the risky settings the checks look for. Tokens are fake (glrt-FAKE…) but have the
 * real shape, so token handling (fingerprints, short tokens) costs what it would on a real host.
 */

export interface BenchRunner {
  name: string;
  token: string;
  /** What gitlab-runner derives build paths from: the token without its prefix, first 9 characters. */
  shortToken: string;
  executor: string;
}

const EXECUTORS = ['shell', 'docker', 'docker', 'docker+machine', 'docker-autoscaler', 'kubernetes', 'custom', 'ssh'] as const;
export const RUNNER_COUNT = 20;
export const BUILDS_DIR = '/home/gitlab-runner/builds';

function fakeToken(index: number): string {
  const body = `FAKE${String(index).padStart(5, '0')}`;
  const tail = 'abcdefghijklmnopqrstuvwxyz0123456789'.slice(index % 20, (index % 20) + 11);
  return `glrt-${body}${tail}`;
}

export function benchRunners(): BenchRunner[] {
  return Array.from({ length: RUNNER_COUNT }, (_, index) => {
    const token = fakeToken(index);
    return {
      name: `bench-runner-${String(index).padStart(2, '0')}`,
      token,
      shortToken: token.slice('glrt-'.length, 'glrt-'.length + 9),
      executor: EXECUTORS[index % EXECUTORS.length] as string,
    };
  });
}

/** The shell runners: their jobs leave working copies under BUILDS_DIR on the host itself. */
export function shellRunners(runners: readonly BenchRunner[]): BenchRunner[] {
  return runners.filter((runner) => runner.executor === 'shell' || runner.executor === 'custom');
}

function executorSection(runner: BenchRunner, index: number): string {
  const risky = index % 2 === 0;
  switch (runner.executor) {
    case 'shell':
    case 'custom':
      return [
        `  builds_dir = "${BUILDS_DIR}"`,
        `  cache_dir = "/home/gitlab-runner/cache"`,
        runner.executor === 'custom' ? `  [runners.custom]\n    run_exec = "/opt/driver/run.sh"\n    prepare_exec = "/opt/driver/prepare.sh"` : '',
      ].join('\n');
    case 'docker':
    case 'docker+machine':
    case 'docker-autoscaler':
      return [
        `  [runners.docker]`,
        `    image = "alpine:3.20"`,
        `    privileged = ${risky}`,
        `    tls_verify = false`,
        `    disable_cache = false`,
        `    pull_policy = ${risky ? '["always", "if-not-present"]' : '"always"'}`,
        `    volumes = [${risky ? '"/var/run/docker.sock:/var/run/docker.sock", ' : ''}"/cache"]`,
        risky ? `    cap_add = ["SYS_ADMIN", "NET_ADMIN"]\n    security_opt = ["seccomp=unconfined"]\n    network_mode = "host"` : `    cap_drop = ["ALL"]`,
        `    allowed_images = [${risky ? '"**"' : '"registry.example.test/ci/*"'}]`,
        runner.executor === 'docker+machine'
          ? `  [runners.machine]\n    MachineDriver = "amazonec2"\n    MachineName = "bench-%s"\n    MaxBuilds = 0\n    MachineOptions = ["amazonec2-access-key=AKIAFAKEFAKEFAKEFAKE", "amazonec2-secret-key=FAKEsecretFAKEsecretFAKEsecretFAKE00000"]`
          : '',
        runner.executor === 'docker-autoscaler'
          ? `  [runners.autoscaler]\n    plugin = "aws"\n    max_use_count = 0\n    capacity_per_instance = 4\n    max_instances = 10`
          : '',
      ].join('\n');
    case 'kubernetes':
      return [
        `  [runners.kubernetes]`,
        `    namespace = "ci"`,
        `    privileged = ${risky}`,
        `    bearer_token = "FAKE-kube-bearer-${index}"`,
        `    bearer_token_overwrite_allowed = ${risky}`,
        `    namespace_overwrite_allowed = "ci-.*"`,
      ].join('\n');
    default:
      return [
        `  builds_dir = "/home/ci/builds"`,
        `  [runners.ssh]`,
        `    host = "127.0.0.1"`,
        `    user = "root"`,
        `    password = "FAKE-ssh-password-${index}"`,
        `    disable_strict_host_key_checking = ${risky}`,
      ].join('\n');
  }
}

function runnerSection(runner: BenchRunner, index: number): string {
  const risky = index % 2 === 0;
  return [
    `[[runners]]`,
    `  name = "${runner.name}"`,
    `  url = "${risky ? 'http' : 'https'}://gitlab.example.test/"`,
    `  id = ${1000 + index}`,
    `  token = "${runner.token}"`,
    `  token_obtained_at = 2026-01-0${(index % 9) + 1}T10:00:00Z`,
    `  token_expires_at = 0001-01-01T00:00:00Z`,
    `  executor = "${runner.executor}"`,
    risky ? `  environment = ["DOCKER_AUTH_CONFIG={\\"auths\\":{\\"registry.example.test\\":{\\"auth\\":\\"RkFLRTpGQUtF\\"}}}", "GIT_STRATEGY=fetch"]` : `  environment = ["GIT_DEPTH=10"]`,
    `  debug_trace_disabled = ${!risky}`,
    `  [runners.feature_flags]`,
    `    FF_ENABLE_JOB_CLEANUP = ${!risky}`,
    `    FF_NETWORK_PER_BUILD = ${!risky}`,
    `  [runners.cache]`,
    `    Type = "s3"`,
    `    Shared = ${risky}`,
    `    [runners.cache.s3]`,
    `      ServerAddress = "s3.example.test"`,
    `      BucketName = "runner-cache"`,
    risky ? `      AccessKey = "AKIAFAKEFAKEFAKE${String(index).padStart(4, '0')}"\n      SecretKey = "FAKEsecretkey/${index}/FAKEFAKEFAKEFAKEFAKEFAKE"\n      Insecure = true` : `      AuthenticationType = "iam"`,
    executorSection(runner, index),
    '',
  ].join('\n');
}

export function runnerConfigToml(runners: readonly BenchRunner[]): string {
  const head = ['concurrent = 8', 'check_interval = 0', 'listen_address = "0.0.0.0:9252"', '', '[session_server]', '  session_timeout = 1800', ''];
  return [...head, ...runners.map(runnerSection)].join('\n');
}
