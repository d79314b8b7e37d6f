import { safeText } from '../../agent/lib/sanitize.js';
import type { FileInfo } from '../../agent/lib/safe-fs.js';
import { canModify, type Principal } from './access.js';
import { dangerousSettings, parseGitConfig } from './git-config.js';
import type { HostFiles, TreeDir } from './host-files.js';
import type { GitConfigFacts, StartupFileFacts } from './types.js';

/** Files bash runs for the login shell the runner starts for every shell job (`bash -l`), and at its end. */
const STARTUP_FILES = ['.bash_profile', '.bash_login', '.profile', '.bashrc', '.bash_logout'];
const GIT_CONFIG_BYTES = 16 * 1024;

function writers(principals: readonly Principal[], dirs: readonly FileInfo[], info: FileInfo | null): string[] {
  return principals.filter((p) => canModify(p, dirs, info)).map((p) => p.name);
}

/** Shell startup files of a job user's home, present or creatable. */
export function startupFiles(home: TreeDir, user: string, principals: readonly Principal[]): StartupFileFacts[] {
  return STARTUP_FILES.map((name) => {
    const found = home.stat(name);
    const info = found?.info ?? null;
    return {
      path: safeText(`${home.hostPath}/${name}`, 300),
      user: safeText(user, 100),
      exists: info !== null,
      owner: info?.uid ?? null,
      mode: info?.mode ?? null,
      mtimeMs: info?.mtimeMs ?? null,
      writableBy: writers(principals, home.dirs, info),
    };
  });
}

function gitConfigFacts(path: string, scope: GitConfigFacts['scope'], user: string | null, data: Buffer, info: FileInfo, dirs: readonly FileInfo[], principals: readonly Principal[]): GitConfigFacts {
  return {
    path: safeText(path, 300),
    scope,
    user: user === null ? null : safeText(user, 100),
    owner: info.uid,
    mode: info.mode,
    settings: dangerousSettings(parseGitConfig(data.toString('utf8'))),
    writableBy: writers(principals, dirs, info),
  };
}

/** A job user's global git config files (`~/.gitconfig`, `~/.config/git/config`). */
export function globalGitConfigs(home: TreeDir, user: string, principals: readonly Principal[]): GitConfigFacts[] {
  const found: GitConfigFacts[] = [];
  const main = home.read('.gitconfig', GIT_CONFIG_BYTES);
  if (main) found.push(gitConfigFacts(`${home.hostPath}/.gitconfig`, 'global', user, main.data, main.info, home.dirs, principals));
  const config = home.child('.config');
  const git = config?.child('git') ?? null;
  try {
    const xdg = git?.read('config', GIT_CONFIG_BYTES);
    if (git && xdg) found.push(gitConfigFacts(`${git.hostPath}/config`, 'global', user, xdg.data, xdg.info, git.dirs, principals));
  } finally {
    git?.close();
    config?.close();
  }
  return found;
}

/** /etc/gitconfig: honoured by every git the jobs run. */
export function systemGitConfig(files: HostFiles, principals: readonly Principal[]): GitConfigFacts | null {
  const text = files.readSystemText('/etc/gitconfig', GIT_CONFIG_BYTES);
  const info = files.statSystem('/etc/gitconfig');
  const dirs = files.ancestry('/etc');
  if (text === null || !info || !dirs) return null;
  return gitConfigFacts('/etc/gitconfig', 'system', null, Buffer.from(text), info, dirs, principals);
}
