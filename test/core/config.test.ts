import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from '../../agent/config/load.js';

function problem(text: string): string {
  try {
    parseConfigText(text, '/etc/runner-warden/config.toml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('config', () => {
  it('needs no file: defaults apply when the default path is absent', () => {
    const config = parseConfigText('', 'x.toml');
    expect(config.network.metadata_probes).toBe('auto');
    expect(config.scan.root).toBe('/');
    expect(loadConfig(undefined).path === null || fs.existsSync('/etc/runner-warden/config.toml')).toBe(true);
  });

  it.each([
    ['a TOML syntax error, with line and column, without source text', 'token = "glrt-SECRETSECRET\n[scan', /^\/etc\/runner-warden\/config\.toml:\d+:\d+: TOML syntax error: /],
    ['an unknown key', '[scan]\ncolector_timeout_seconds = 3\n', /config\.toml: scan\.colector_timeout_seconds: unknown key$/],
    ['an unknown section', '[scna]\n', /config\.toml: scna: unknown key$/],
    ['a wrong type', '[scan]\ncollector_timeout_seconds = "soon"\n', /config\.toml: scan\.collector_timeout_seconds: expected number$/],
    ['a bad enum', '[network]\nmetadata_probes = "sometimes"\n', /network\.metadata_probes: expected one of auto, always, never$/],
    ['a bad date', '[[suppress]]\ncheck = "x"\nreason = "r"\nexpires = "2026-13-45"\n', /suppress\[0\]\.expires: a date YYYY-MM-DD$/],
    ['a suppression without reason', '[[suppress]]\ncheck = "x"\n', /suppress\[0\]\.reason: expected string$/],
  ])('rejects %s in one line naming file and key', (_name, text, pattern) => {
    const message = problem(text);
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('SECRETSECRET');
  });

  it('accepts TOML dates and strings for suppression expiry', () => {
    const config = parseConfigText('[[suppress]]\ncheck = "a-b"\nsubject = "/x/*"\nreason = "ok"\nexpires = 2027-01-31\n', 'x.toml');
    expect(config.suppress).toEqual([{ check: 'a-b', subject: '/x/*', reason: 'ok', expires: '2027-01-31' }]);
  });

  it('an explicitly named missing file is an error', () => {
    const missing = path.join(os.tmpdir(), 'rw-no-such-config.toml');
    expect(() => loadConfig(missing)).toThrow(/rw-no-such-config\.toml: cannot read \(ENOENT\)/);
  });

  it('loads a file from disk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-config-'));
    const file = path.join(dir, 'config.toml');
    fs.writeFileSync(file, '[docker]\nenabled = false\n');
    expect(loadConfig(file).config.docker.enabled).toBe(false);
    fs.rmSync(dir, { recursive: true });
  });
});
