import { describe, expect, it } from 'vitest';
import { secretFingerprint } from '../../agent/lib/fingerprint.js';
import { parseGroup, parsePasswd } from '../../collectors/system/accounts.js';
import { dangerousSettings, displayUrl, parseGitConfig, urlCredentials } from '../../collectors/system/git-config.js';
import { readSudoers, type SudoersSource } from '../../collectors/system/sudoers.js';

function source(files: Record<string, string>): SudoersSource {
  return {
    readFile: (p) => files[p] ?? null,
    listDir: (dir) => {
      const names = Object.keys(files)
        .filter((p) => p.startsWith(`${dir}/`))
        .map((p) => p.slice(dir.length + 1));
      return names.length > 0 ? names : null;
    },
  };
}

describe('urlCredentials', () => {
  it.each([
    ['https://gitlab-ci-token:glcbt-64_abc@gitlab.example.com/g/p.git', 'job-token', 'glcbt-64_abc'],
    ['https://deploy:glpat-xxxxxxxxxxxxxxxxxxxx@gitlab.example.com/g/p.git', 'gitlab-token', 'glpat-xxxxxxxxxxxxxxxxxxxx'],
    ['https://oauth2:p%40ss%3Aword@host/x', 'password', 'p@ss:word'],
    ['https://glpat-tokenasuser12345@host/x', 'gitlab-token', 'glpat-tokenasuser12345'],
  ])('%s: %s, fingerprint of the decoded secret', (url, kind, secret) => {
    expect(urlCredentials(url)).toEqual({ kind, fingerprint: secretFingerprint(secret) });
  });

  it.each([['https://gitlab.example.com/g/p.git'], ['git@gitlab.example.com:g/p.git'], ['ssh://git@host/x'], ['https://user:@host/x']])('%s carries no credentials', (url) => {
    expect(urlCredentials(url)).toBeNull();
  });

  it('displays a URL without its userinfo', () => {
    expect(displayUrl('https://gitlab-ci-token:glcbt-64_abc@gitlab.example.com/g/p.git')).toBe('https://***@gitlab.example.com/g/p.git');
  });
});

describe('parseGitConfig', () => {
  it('reads sections, subsections, old-style dotted sections, quotes, comments and continuations', () => {
    const text = '[core]\n\tbare = false ; comment\n[remote "origin"]\n\turl = "https://h/x.git" # c\n[remote.upstream]\n\tpushurl = git@h:x\n[http]\n\tsslVerify\n\textraHeader = "Authorization: Basic \\\n  abc"\n';
    expect(parseGitConfig(text).map((e) => [e.section, e.subsection, e.key, e.value, e.line])).toEqual([
      ['core', null, 'bare', 'false', 2],
      ['remote', 'origin', 'url', 'https://h/x.git', 4],
      ['remote', 'upstream', 'pushurl', 'git@h:x', 6],
      ['http', null, 'sslverify', 'true', 8],
      ['http', null, 'extraheader', 'Authorization: Basic   abc', 9],
    ]);
  });

  it('survives garbage: NULs, unterminated quotes, a huge line, keys before any section', () => {
    const text = `orphan = 1\n[core\nbare = true\n\u0000\u0000\n[remote "x"]\n\turl = "unterminated\n${'a'.repeat(100_000)}\n`;
    expect(parseGitConfig(text).map((e) => [e.section, e.key, e.value])).toEqual([['remote', 'url', 'unterminated']]);
  });

  it('classifies only what changes git behaviour', () => {
    const entries = parseGitConfig('[credential]\n\thelper = cache --timeout 60\n\thelper = !/usr/bin/pass-helper\n[http "https://h/"]\n\tsslVerify = no\n[user]\n\temail = a@b\n[filter "lfs"]\n\tsmudge = git-lfs smudge\n');
    expect(dangerousSettings(entries).map((s) => [s.key, s.risk])).toEqual([
      ['credential.helper', 'runs-command'],
      ['http.https://h/.sslverify', 'tls-verify-off'],
      ['filter.lfs.smudge', 'runs-command'],
    ]);
  });
});

describe('readSudoers', () => {
  it('handles #uid specs, Runas aliases, trailing comments and PASSWD after NOPASSWD', () => {
    const facts = readSudoers(
      source({
        '/etc/sudoers': 'Runas_Alias OPS = root, operator\n#999 ALL = (OPS) NOPASSWD: /bin/ls, PASSWD: /bin/cat # note\n',
      }),
    );
    expect(facts.rules).toEqual([{ source: '/etc/sudoers:2', principals: ['#999'], runAs: ['root', 'operator'], commands: ['/bin/ls', '/bin/cat'], nopasswd: true, allCommands: false }]);
  });

  it('an include loop stops at the nesting limit and says so', () => {
    const facts = readSudoers(source({ '/etc/sudoers': '@include /etc/sudoers\nroot ALL=(ALL) ALL\n' }));
    expect(facts.problems.some((p) => p.includes('nested deeper than 8'))).toBe(true);
    expect(facts.files.length).toBeLessThanOrEqual(9);
  });

  it('a relative @include resolves against the including file', () => {
    const facts = readSudoers(source({ '/etc/sudoers': '@include sudoers.local\n', '/etc/sudoers.local': 'ci ALL=(ALL) ALL\n' }));
    expect(facts.files).toEqual(['/etc/sudoers', '/etc/sudoers.local']);
  });

  it('a file that cannot be read safely is a problem, not a crash', () => {
    const facts = readSudoers({
      readFile: (p) => {
        if (p === '/etc/sudoers.d/fifo') throw new Error('/etc/sudoers.d/fifo: not-regular (fifo)');
        return p === '/etc/sudoers' ? '#includedir /etc/sudoers.d\n' : null;
      },
      listDir: () => ['fifo'],
    });
    expect(facts.problems).toEqual(['/etc/sudoers.d/fifo: /etc/sudoers.d/fifo: not-regular (fifo)']);
  });
});

describe('passwd and group', () => {
  it('skips malformed and NIS lines, keeps ids in range', () => {
    expect(parsePasswd('root:x:0:0::/root:/bin/bash\n+nis::::::\nbad:x:notanumber:0::/:/bin/sh\nbig:x:99999999999:0::/:/bin/sh\nci:x:1000:1000::/home/ci:/bin/sh\n').map((u) => u.name)).toEqual(['root', 'ci']);
    expect(parseGroup('docker:x:998:a, b ,,c\n')).toEqual([{ name: 'docker', gid: 998, members: ['a', 'b', 'c'] }]);
  });
});
