import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES, MAX_RUNNERS_PER_FILE } from '../../collectors/runner/config-file.js';
import type { SyntheticHost } from '../helpers/host.js';
import { runnerHost, scanRunner } from './harness.js';

const GOOD = 'concurrent = 1\n[[runners]]\n  name = "good"\n  url = "https://gitlab.example.com/"\n  token = "glrt-GOODtoken000000000001"\n  executor = "shell"\n';

/** About `bytes` of valid config made of many docker runners. */
function manyRunners(bytes: number): string {
  const parts = ['concurrent = 4\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const entry = `\n[[runners]]\n  name = "r${i}"\n  url = "https://gitlab.example.com/"\n  token = "glrt-BULK${String(i).padStart(16, '0')}"\n  executor = "docker"\n  environment = ["A=1", "B=2"]\n  [runners.docker]\n    image = "alpine:3.20"\n    pull_policy = ["always"]\n    volumes = ["/cache"]\n`;
    parts.push(entry);
    size += entry.length;
  }
  return parts.join('');
}

let host: SyntheticHost | undefined;
afterEach(() => host?.cleanup());

describe('hostile and odd config files', () => {
  it('judges a 5 MB config: keeps the first runners, says how many were left out, within seconds', async () => {
    const text = manyRunners(5 * 1024 * 1024);
    host = runnerHost({ '/etc/gitlab-runner/config.toml': text });
    const started = performance.now();
    const { runner, result } = await scanRunner(host);
    const elapsed = performance.now() - started;
    console.info(`5 MB config (${text.length} bytes): collected and judged in ${Math.round(elapsed)} ms`);
    expect(runner.configs[0]).toMatchObject({ status: 'ok', sizeBytes: text.length });
    expect(runner.configs[0]?.runners).toHaveLength(MAX_RUNNERS_PER_FILE);
    expect(runner.errors).toEqual([expect.objectContaining({ kind: 'too-large', message: expect.stringMatching(/^\d+ \[\[runners\]\] entries; only the first 1000 were judged$/) })]);
    expect(result.findings.some((f) => f.checkId === 'docker-root-no-hardening')).toBe(true);
    expect(elapsed).toBeLessThan(15_000);
  });

  it('judges a 5 MB config that is one runner with a huge script', async () => {
    const script = 'echo build step with a fairly long line of shell\n'.repeat(110_000);
    host = runnerHost({ '/etc/gitlab-runner/config.toml': `${GOOD}  pre_build_script = """\n${script}"""\n` });
    const { runner } = await scanRunner(host);
    expect(runner.configs[0]?.sizeBytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(runner.configs[0]?.runners[0]?.scripts).toEqual(['pre_build_script']);
    expect(JSON.stringify(runner).length).toBeLessThan(20_000);
  });

  it('refuses to parse a config over the size cap', async () => {
    host = runnerHost({ '/etc/gitlab-runner/config.toml': Buffer.alloc(MAX_CONFIG_BYTES + 10, 0x20) });
    const { runner } = await scanRunner(host);
    expect(runner.errors).toEqual([expect.objectContaining({ kind: 'too-large', line: null })]);
  });

  it('reports binary garbage as an error for that file and still judges the other configs', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
    host = runnerHost({ '/etc/gitlab-runner/config.toml': garbage, '/root/.gitlab-runner/config.toml': GOOD });
    const { runner, result } = await scanRunner(host);
    expect(runner.errors).toEqual([expect.objectContaining({ path: '/etc/gitlab-runner/config.toml', kind: 'binary' })]);
    expect(runner.configs.map((c) => [c.path, c.status])).toEqual([
      ['/etc/gitlab-runner/config.toml', 'error'],
      ['/root/.gitlab-runner/config.toml', 'ok'],
    ]);
    expect(result.findings.find((f) => f.checkId === 'shell-executor-in-use')?.runner?.configPath).toBe('/root/.gitlab-runner/config.toml');
  });

  it('gives one error finding naming file and line for a syntax error, while the other config is still judged', async () => {
    host = runnerHost({
      '/etc/gitlab-runner/config.toml': 'concurrent = 1\n[[runners]]\n  name = "broken"\n  executor = "docker\n',
      '/root/.gitlab-runner/config.toml': GOOD,
    });
    const { result } = await scanRunner(host);
    const errors = result.findings.filter((f) => f.checkId === 'runner-config-unreadable');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^\/etc\/gitlab-runner\/config\.toml:4(:\d+)?: TOML syntax error/);
    expect(result.findings.filter((f) => f.checkId === 'shell-executor-in-use').map((f) => f.runner?.name)).toEqual(['good']);
  });

  it('never opens a FIFO or follows a symlink out of the root at a config path', async () => {
    host = runnerHost({ '/root/.gitlab-runner/config.toml': GOOD });
    host.mkdir('/etc/gitlab-runner');
    execFileSync('mkfifo', [host.path('/etc/gitlab-runner/config.toml')]);
    const outside = fs.mkdtempSync('/tmp/rw-outside-');
    fs.writeFileSync(`${outside}/config.toml`, GOOD.replace('good', 'outside-canary'));
    host.mkdir('/home/mallory/.gitlab-runner').symlink('/home/mallory/.gitlab-runner/config.toml', `${outside}/config.toml`);
    try {
      const started = performance.now();
      const { runner } = await scanRunner(host);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(runner.errors).toEqual([expect.objectContaining({ path: '/etc/gitlab-runner/config.toml', kind: 'refused' })]);
      expect(JSON.stringify(runner)).not.toContain('outside-canary');
      expect(runner.configs.flatMap((c) => c.runners.map((r) => r.name))).toEqual(['good']);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('parses prototype-named keys and tables as plain, ineffective keys', async () => {
    host = runnerHost({
      '/etc/gitlab-runner/config.toml': `[__proto__]\npolluted = true\n${GOOD}  constructor = "x"\n  [runners.__proto__]\n    privileged = true\n  [runners.feature_flags]\n    __proto__ = true\n    FF_ENABLE_JOB_CLEANUP = true\n`,
    });
    const { runner } = await scanRunner(host);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(runner.errors).toEqual([]);
    expect(runner.configs[0]?.ineffectiveKeys.map((k) => `${k.table}/${k.key}:${k.reason}`).sort()).toEqual(['/__proto__:unknown', 'runners[0]/__proto__:unknown', 'runners[0]/constructor:unknown']);
    expect(runner.configs[0]?.runners[0]?.featureFlags).toEqual({ FF_ENABLE_JOB_CLEANUP: true });
  });

  it('reports an empty config file as holding no runner', async () => {
    host = runnerHost({ '/etc/gitlab-runner/config.toml': '' });
    const { runner } = await scanRunner(host);
    expect(runner.errors).toEqual([expect.objectContaining({ kind: 'not-a-runner-config' })]);
  });
});
