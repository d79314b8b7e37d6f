import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../agent/config/load.js';
import { REPO } from './helpers/build.js';

const INSTALL = path.join(REPO, 'install.sh');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A built tree as a release tarball holds it (small stand-ins for dist/ and node_modules/). */
function sourceTree(): string {
  const src = temp('rw-src-');
  const write = (file: string, content: string): void => {
    fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    fs.writeFileSync(path.join(src, file), content);
  };
  write('dist/agent/cli/main.js', 'console.log("runner-warden 0.1.0\\nfile access: portable (built without a C compiler)");\n');
  write('dist/agent/daemon/scan-child.js', '\n');
  write('node_modules/pino/package.json', '{"name":"pino"}\n');
  write('package.json', '{"name":"runner-warden","version":"0.1.0"}\n');
  write('docs/events.md', '# events\n');
  fs.mkdirSync(path.join(src, 'systemd'));
  fs.copyFileSync(path.join(REPO, 'systemd/runner-warden.service'), path.join(src, 'systemd/runner-warden.service'));
  return src;
}

function install(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const run = spawnSync('sh', [INSTALL, ...args], { encoding: 'utf8', env });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

function tree(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[]).map((entry) => `/${entry}`).sort();
}

const EXPECTED = [
  '/etc/runner-warden/config.toml',
  '/etc/systemd/system/multi-user.target.wants/runner-warden.service',
  '/etc/systemd/system/runner-warden.service',
  '/opt/runner-warden/dist/agent/cli/main.js',
  '/opt/runner-warden/dist/agent/daemon/scan-child.js',
  '/opt/runner-warden/docs/events.md',
  '/opt/runner-warden/node_modules/pino/package.json',
  '/opt/runner-warden/package.json',
  '/usr/local/bin/runner-warden',
  '/var/lib/runner-warden',
  '/var/log/runner-warden',
];

describe('install.sh', () => {
  it('installs the expected tree into a root prefix, idempotently, keeping an edited config', () => {
    const root = temp('rw-root-');
    const src = sourceTree();
    const first = install(['--prefix', root, '--source', src]);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain('file access: portable (built without a C compiler)');
    const files = tree(root);
    for (const file of EXPECTED) expect(files).toContain(file);

    expect(fs.readlinkSync(path.join(root, 'etc/systemd/system/multi-user.target.wants/runner-warden.service'))).toBe('/etc/systemd/system/runner-warden.service');
    expect(fs.statSync(path.join(root, 'etc/runner-warden/config.toml')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(root, 'var/lib/runner-warden')).mode & 0o777).toBe(0o700);
    const wrapper = fs.readFileSync(path.join(root, 'usr/local/bin/runner-warden'), 'utf8');
    expect(wrapper).toContain(`exec ${process.execPath} /opt/runner-warden/dist/agent/cli/main.js "$@"`);
    const unit = fs.readFileSync(path.join(root, 'etc/systemd/system/runner-warden.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} `);
    // The commented default config is a valid config (all defaults).
    const config = parseConfigText(fs.readFileSync(path.join(root, 'etc/runner-warden/config.toml'), 'utf8'), 'config.toml');
    expect(config.agent.state_dir).toBe('/var/lib/runner-warden');

    fs.appendFileSync(path.join(root, 'etc/runner-warden/config.toml'), '\n# edited by the admin\n');
    const second = install(['--prefix', root, '--source', src]);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain('keeping the existing /etc/runner-warden/config.toml');
    expect(tree(root)).toEqual(files);
    expect(fs.readFileSync(path.join(root, 'etc/runner-warden/config.toml'), 'utf8')).toContain('edited by the admin');
  });

  it('--dry-run changes nothing', () => {
    const root = temp('rw-root-');
    const result = install(['--prefix', root, '--source', sourceTree(), '--dry-run']);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('would run: cp -R');
    expect(tree(root)).toEqual([]);
  });

  it('--uninstall removes everything but the state dir; --purge removes that too', () => {
    const root = temp('rw-root-');
    const src = sourceTree();
    expect(install(['--prefix', root, '--source', src]).code).toBe(0);
    fs.writeFileSync(path.join(root, 'var/lib/runner-warden/state.json'), '{}');
    const uninstall = install(['--prefix', root, '--uninstall']);
    expect(uninstall.code, uninstall.out).toBe(0);
    expect(tree(root).filter((entry) => !['/etc', '/etc/systemd', '/etc/systemd/system', '/opt', '/usr', '/usr/local', '/usr/local/bin', '/var', '/var/lib', '/var/log'].includes(entry))).toEqual([
      '/etc/systemd/system/multi-user.target.wants',
      '/var/lib/runner-warden',
      '/var/lib/runner-warden/state.json',
    ]);
    const purge = install(['--prefix', root, '--purge']);
    expect(purge.code, purge.out).toBe(0);
    expect(fs.existsSync(path.join(root, 'var/lib/runner-warden'))).toBe(false);
  });

  it('says exactly what is missing when Node.js is absent or too old', () => {
    const root = temp('rw-root-');
    const src = sourceTree();
    const absent = install(['--prefix', root, '--source', src], { ...process.env, NODE: path.join(root, 'no-node') });
    expect(absent.code).toBe(1);
    expect(absent.out).toMatch(/missing Node\.js: NODE=.*no-node is not an executable file\. Install Node\.js >= 20\.18\.1/);

    const bin = temp('rw-bin-');
    for (const tool of ['sh', 'sed', 'sort', 'head', 'dirname', 'basename', 'id', 'mkdir', 'cat']) {
      const where = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      fs.symlinkSync(where, path.join(bin, tool));
    }
    const noPath = install(['--prefix', root, '--source', src], { PATH: bin });
    expect(noPath.code).toBe(1);
    expect(noPath.out).toContain("missing Node.js: no 'node' in PATH");

    const oldNode = path.join(bin, 'node');
    fs.writeFileSync(oldNode, '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 });
    const old = install(['--prefix', root, '--source', src], { PATH: bin });
    expect(old.code).toBe(1);
    expect(old.out).toContain(`Node.js 18.19.0 at ${oldNode} is too old: runner-warden needs >= 20.18.1`);
    expect(tree(root)).toEqual([]);
  });

  it('refuses a source tree that was not built', () => {
    const src = sourceTree();
    fs.rmSync(path.join(src, 'dist'), { recursive: true });
    const result = install(['--prefix', temp('rw-root-'), '--source', src]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('build first (npm ci && npm run build)');
  });

  it.runIf(!fs.existsSync('/run/systemd/system'))('says so and goes on when systemd is not PID 1 (dry run on the real root)', () => {
    const result = install(['--source', sourceTree(), '--dry-run']);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('systemd is not running as PID 1 here: the unit is installed and enabled for the next boot, but not started.');
    expect(result.out).toContain('to run the agent now: /usr/local/bin/runner-warden agent --config /etc/runner-warden/config.toml');
    expect(result.out).not.toContain('would run: systemctl');
  });
});
