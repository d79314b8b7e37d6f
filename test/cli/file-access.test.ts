import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWarden, type CliRun } from '../helpers/cli.js';
import { SyntheticHost } from '../helpers/host.js';

/**
 * scan.file_access end to end: native and portable give the same findings, and a build without
 * the addon (no C compiler on the build machine) still scans, says so, and refuses a config that
 * insists on native.
 */

const RUNNER = `[[runners]]
  name = "shell-runner"
  url = "https://gitlab.example.com"
  token = "glrt-FILEACCESSTOKEN12345"
  executor = "shell"
`;
const REPO = path.join(__dirname, '../..');

let host: SyntheticHost;
let program: string;

function config(fileAccess: string): string {
  const file = host.path(`/warden-${fileAccess}.toml`);
  fs.writeFileSync(file, `[scan]\nfile_access = "${fileAccess}"\n[docker]\nenabled = false\n[network]\nmetadata_probes = "never"\n`);
  return file;
}

/** The compiled CLI of a copy of the program built without the addon. */
function runWithoutAddon(args: string[]): CliRun {
  const result = spawnSync(process.execPath, [path.join(program, 'dist/agent/cli/main.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: undefined } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Findings as fingerprint:severity, the part of a report that must not depend on how files were read. */
function findings(run: CliRun): string[] {
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as { findings: { fingerprint: string; severity: string }[] }).findings.map((f) => `${f.fingerprint}:${f.severity}`).sort();
}

beforeAll(() => {
  host = new SyntheticHost().withIdentity('file-access');
  host.write('/etc/gitlab-runner/config.toml', { content: RUNNER, mode: 0o600 });
  host.write('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ngitlab-runner:x:999:999::/home/gitlab-runner:/bin/bash\n');
  host.write('/etc/group', 'root:x:0:\ngitlab-runner:x:999:\n');
  for (let i = 0; i < 30; i++) {
    const remote = i % 3 === 0 ? `https://gitlab-ci-token:glcbt-64_JOBTOKEN${i}@gitlab.example.com/g/p${i}.git` : `https://gitlab.example.com/g/p${i}.git`;
    host.write(`/home/gitlab-runner/builds/t0k3n/0/g/p${i}/.git/config`, `[remote "origin"]\n\turl = ${remote}\n`);
  }
  program = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-no-addon-'));
  fs.cpSync(path.join(REPO, 'dist'), path.join(program, 'dist'), { recursive: true, filter: (source) => !source.includes(`${path.sep}dist${path.sep}native`) });
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(program, 'package.json'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(program, 'node_modules'));
});
afterAll(() => {
  host.cleanup();
  fs.rmSync(program, { recursive: true, force: true });
});

describe('scan.file_access', () => {
  it('native and portable find the same things', () => {
    const native = findings(runWarden(['scan', '--root', host.root, '--config', config('native'), '--format', 'json', '--fail-on', 'none']));
    const portable = findings(runWarden(['scan', '--root', host.root, '--config', config('portable'), '--format', 'json', '--fail-on', 'none']));
    expect(native.length).toBeGreaterThan(2);
    expect(native).toEqual(portable);
    const facts = JSON.parse(runWarden(['facts', '--root', host.root, '--config', config('native')]).stdout) as { domains: { system: { buildDirs: { workingCopyCount: number; withCredentials: number }[] } } };
    expect(facts.domains.system.buildDirs.find((d) => d.workingCopyCount > 0)).toMatchObject({ workingCopyCount: 30, withCredentials: 10 });
  });

  it('without the addon: --version says why, auto scans the portable way with the same findings', () => {
    const version = runWithoutAddon(['--version']);
    expect(version.stdout).toMatch(/\nfile access: portable \(dist\/native\/runner-warden\.node is not built/);
    const auto = findings(runWithoutAddon(['scan', '--root', host.root, '--config', config('auto'), '--format', 'json', '--fail-on', 'none']));
    const native = findings(runWarden(['scan', '--root', host.root, '--config', config('native'), '--format', 'json', '--fail-on', 'none']));
    expect(auto).toEqual(native);
  });

  it('an addon that does not load (built for another system, damaged) is reported, and scans go on the portable way', () => {
    fs.mkdirSync(path.join(program, 'dist/native'), { recursive: true });
    fs.writeFileSync(path.join(program, 'dist/native/runner-warden.node'), 'not an ELF file');
    try {
      expect(runWithoutAddon(['--version']).stdout).toMatch(/\nfile access: portable \(dist\/native\/runner-warden\.node does not load \(.+\)\)\n$/);
      const auto = findings(runWithoutAddon(['scan', '--root', host.root, '--config', config('auto'), '--format', 'json', '--fail-on', 'none']));
      expect(auto.length).toBeGreaterThan(2);
    } finally {
      fs.rmSync(path.join(program, 'dist/native'), { recursive: true, force: true });
    }
  });

  it('without the addon, a config that insists on native is refused in one line, before any scan', () => {
    const file = config('native');
    for (const run of [runWithoutAddon(['scan', '--root', host.root, '--config', file]), runWithoutAddon(['config', 'check', file])]) {
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^runner-warden: config error: .*warden-native\.toml: scan\.file_access = "native", but dist\/native\/runner-warden\.node is not built .*\n$/);
    }
  });
});
