import { secretFingerprint } from '../../agent/lib/fingerprint.js';
import { safeText } from '../../agent/lib/sanitize.js';
import { canRead, type Principal } from './access.js';
import type { TreeDir } from './host-files.js';
import type { CredentialFileFacts, CredentialKind } from './types.js';

/** A credential file is judged from its first few kB: enough for any real one, bounded for a planted one. */
export const CREDENTIAL_READ_BYTES = 16 * 1024;
const MAX_TARGETS = 20;

interface Verdict {
  hasSecrets: boolean;
  targets: string[];
}

function dockerConfig(text: string): Verdict {
  try {
    const doc = JSON.parse(text) as { auths?: Record<string, Record<string, unknown> | null> };
    const auths = doc.auths && typeof doc.auths === 'object' ? doc.auths : {};
    const inline = Object.entries(auths).filter(([, entry]) => entry && ['auth', 'identitytoken', 'registrytoken', 'password'].some((k) => typeof entry[k] === 'string' && entry[k] !== ''));
    return { hasSecrets: inline.length > 0, targets: inline.map(([host]) => host) };
  } catch {
    // Cut by the read cap or malformed: judge by the telltale key.
    return { hasSecrets: /"(?:auth|identitytoken|registrytoken)"\s*:\s*"[^"]+"/.test(text), targets: [] };
  }
}

function gitCredentials(text: string): Verdict {
  const hosts = [...text.matchAll(/^\s*[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^@\s]+@([^/\s:]+)/gim)].map((m) => m[1] as string);
  return { hasSecrets: hosts.length > 0, targets: hosts };
}

function netrc(text: string): Verdict {
  const tokens = text.split(/\s+/);
  const machines: string[] = [];
  let secrets = false;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === 'machine' && tokens[i + 1]) machines.push(tokens[i + 1] as string);
    if ((tokens[i] === 'password' || tokens[i] === 'account') && tokens[i + 1]) secrets = true;
  }
  return { hasSecrets: secrets, targets: machines };
}

function iniSections(text: string, secretKey: RegExp): Verdict {
  const targets: string[] = [];
  let section = '';
  let secrets = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) section = (header[1] as string).trim();
    else if (secretKey.test(line)) {
      secrets = true;
      if (section && !targets.includes(section)) targets.push(section);
    }
  }
  return { hasSecrets: secrets, targets };
}

function pattern(secret: RegExp, target?: RegExp): (text: string) => Verdict {
  return (text) => ({ hasSecrets: secret.test(text), targets: target ? [...text.matchAll(target)].map((m) => m[1] as string) : [] });
}

const present = (): Verdict => ({ hasSecrets: true, targets: [] });

interface CredentialSpec {
  /** Path below the home, one component per entry. */
  parts: string[];
  kind: CredentialKind;
  judge: (text: string) => Verdict;
}

const SPECS: CredentialSpec[] = [
  { parts: ['.docker', 'config.json'], kind: 'docker-config', judge: dockerConfig },
  { parts: ['.git-credentials'], kind: 'git-credentials', judge: gitCredentials },
  { parts: ['.config', 'git', 'credentials'], kind: 'git-credentials', judge: gitCredentials },
  { parts: ['.netrc'], kind: 'netrc', judge: netrc },
  { parts: ['.aws', 'credentials'], kind: 'aws-credentials', judge: (t) => iniSections(t, /^\s*aws_(?:secret_access_key|session_token)\s*=\s*\S/i) },
  { parts: ['.aws', 'config'], kind: 'aws-credentials', judge: (t) => iniSections(t, /^\s*aws_(?:secret_access_key|session_token)\s*=\s*\S/i) },
  { parts: ['.kube', 'config'], kind: 'kube-config', judge: pattern(/^\s*(?:token|client-key-data|password)\s*:\s*\S/m, /^\s*server\s*:\s*\S*?:\/\/([^/:\s]+)/gm) },
  { parts: ['.npmrc'], kind: 'npmrc', judge: pattern(/(?:_authToken|_auth|_password)\s*=\s*\S/, /^\s*\/\/([^/:\s]+)[^=]*:_(?:authToken|auth|password)\s*=/gm) },
  { parts: ['.pypirc'], kind: 'pypirc', judge: (t) => iniSections(t, /^\s*password\s*[=:]\s*\S/i) },
  { parts: ['.m2', 'settings.xml'], kind: 'maven-settings', judge: pattern(/<password>\s*[^<\s]/, /<server>\s*<id>([^<]{1,100})<\/id>/g) },
  { parts: ['.gradle', 'gradle.properties'], kind: 'gradle-properties', judge: pattern(/^\s*[\w.-]*(?:password|token|secret|apikey|api_key)[\w.-]*\s*[=:]\s*\S/im) },
  { parts: ['.terraform.d', 'credentials.tfrc.json'], kind: 'terraform-credentials', judge: pattern(/"token"\s*:\s*"[^"]+"/, /"([^"\s]+)"\s*:\s*\{\s*"token"/g) },
  { parts: ['.vault-token'], kind: 'vault-token', judge: (t) => ({ hasSecrets: t.trim() !== '', targets: [] }) },
  { parts: ['.config', 'gcloud', 'application_default_credentials.json'], kind: 'gcloud', judge: present },
  { parts: ['.config', 'gcloud', 'credentials.db'], kind: 'gcloud', judge: present },
  { parts: ['.azure', 'msal_token_cache.json'], kind: 'azure', judge: present },
  { parts: ['.azure', 'accessTokens.json'], kind: 'azure', judge: present },
  { parts: ['.gitlab-runner', 'config.toml'], kind: 'runner-config', judge: pattern(/^\s*token\s*=\s*"[^"$]+"/m) },
];

/** Credential files in one job user's home: presence, targets and a fingerprint, never a value. */
export function findCredentialFiles(home: TreeDir, user: string, principals: readonly Principal[]): CredentialFileFacts[] {
  const found: CredentialFileFacts[] = [];
  for (const spec of SPECS) {
    const opened: TreeDir[] = [];
    try {
      let dir: TreeDir | null = home;
      for (const part of spec.parts.slice(0, -1)) {
        dir = dir.child(part);
        if (!dir) break;
        opened.push(dir);
      }
      if (!dir) continue;
      const name = spec.parts[spec.parts.length - 1] as string;
      const read = dir.read(name, CREDENTIAL_READ_BYTES);
      if (!read || read.info.size === 0) continue;
      const verdict = spec.judge(read.data.toString('utf8'));
      found.push({
        path: safeText(`${dir.hostPath}/${name}`, 300),
        kind: spec.kind,
        user: safeText(user, 100),
        owner: read.info.uid,
        mode: read.info.mode,
        size: read.info.size,
        mtimeMs: read.info.mtimeMs,
        hasSecrets: verdict.hasSecrets,
        targets: [...new Set(verdict.targets)].slice(0, MAX_TARGETS).map((t) => safeText(t, 100)),
        fingerprint: verdict.hasSecrets ? secretFingerprint(read.data) : null,
        readableBy: principals.filter((p) => canRead(p, dir.dirs, read.info)).map((p) => p.name),
      });
    } finally {
      for (const dir of opened) dir.close();
    }
  }
  return found;
}
