/**
 * Facts about the host's accounts and what jobs can reach: job users, the docker group, sudo,
 * SSH keys, credential files, shell startup files, git config and what jobs leave behind in
 * build directories. Everything comes from files under the host root; no command is run.
 *
 * Paths are host paths (as seen from the host root), sanitised for display. Secrets never
 * appear: credentials become `secretFingerprint` values or mere presence.
 */
import type { WalkReport } from '../../agent/lib/safe-walk.js';

export type { WalkLimit, WalkReport } from '../../agent/lib/safe-walk.js';

/** Where the job user came from. */
export type JobUserSource =
  /** The `--user` argument of a runner's unit or process: shell jobs run as this account. */
  | 'runner-user-flag'
  /** No `--user`: shell jobs run as the runner process's own account. */
  | 'runner-process'
  /** No runner found (or none said): the package default account `gitlab-runner`. */
  | 'default';

/** The slice of one runner's configuration that decides how risky the host-side facts are. */
export interface RunnerContext {
  /** Runner name from config.toml (sanitised). */
  name: string;
  /** Runner token fingerprint, never the token; null when the config had none. */
  id: string | null;
  /** config.toml path this runner came from. */
  configPath: string;
  /** Executor name as configured (`shell`, `docker`, `ssh`, ...), lowercased; null when unset. */
  executor: string | null;
  /** Account shell jobs run as (see `JobUser`), null when the executor does not run jobs on this host. */
  jobUser: string | null;
  /** Whether the runner process itself runs as root (from its process or unit); null when unknown. */
  runnerRunsAsRoot: boolean | null;
  /** Host path of the builds dir this runner uses on this host, or null (containers, remote executors). */
  buildsDir: string | null;
  /** Host path of the cache dir on this host, or null. */
  cacheDir: string | null;
  /** GIT_STRATEGY the runner's `environment` pins (`fetch`, `clone`, `none`, `empty`), null when unset (jobs choose; GitLab's project default is fetch). */
  gitStrategy: string | null;
  /** FF_ENABLE_JOB_CLEANUP: 'pinned' in [runners.feature_flags] = true, 'environment' when only set (true) through `environment` (jobs can override), 'off' otherwise. */
  jobCleanup: 'pinned' | 'environment' | 'off';
}

/** One account from /etc/passwd that matters here (job users, root, owners of scanned homes). */
export interface UserEntry {
  /** Login name. */
  name: string;
  /** User id. */
  uid: number;
  /** Primary group id. */
  gid: number;
  /** Home directory (host path). */
  home: string;
  /** Login shell. */
  shell: string;
}

/** One group from /etc/group. */
export interface GroupEntry {
  /** Group name. */
  name: string;
  /** Group id. */
  gid: number;
  /** Supplementary members listed in /etc/group (not the users whose primary gid this is). */
  members: string[];
}

/** An account whose shell jobs run on this host. */
export interface JobUser {
  /** Account name (sanitised). */
  name: string;
  /** Null when the account is not in /etc/passwd (the runner could not start shell jobs as it). */
  uid: number | null;
  /** Primary group id; null when the account is not in /etc/passwd. */
  gid: number | null;
  /** Home directory; null when the account is not in /etc/passwd. */
  home: string | null;
  /** How this account was found to be a job user. */
  source: JobUserSource;
  /** Names of the shell-executor runners whose jobs run as this account (empty: no shell runner, the account only hosts the runner). */
  runners: string[];
  /** Names of every group the account is in: primary (by gid) and supplementary. */
  groups: string[];
  /** Ids of those groups, primary first. */
  gids: number[];
}

/** How an account reaches the docker group. */
export interface DockerGroupMember {
  /** Account name. */
  user: string;
  /** 'primary': the account's gid is the group's; 'supplementary': listed in /etc/group. */
  via: 'primary' | 'supplementary';
}

/** An account a POSIX ACL on the Docker daemon socket grants read-write by name. */
export interface DockerSocketUserGrant {
  /** The socket's host path. */
  socket: string;
  /** Account name (the uid when no account has it). */
  user: string;
  uid: number;
}

/** The group that can talk to the Docker daemon: `docker` by name, and the group owning the socket. */
export interface DockerGroupFacts {
  /** Group name (`docker`, or the socket's group when it differs). */
  name: string;
  /** Group id. */
  gid: number;
  /** Why this group matters: named `docker`, owns the daemon socket with group rw, or an ACL on the socket grants it rw. */
  reason: 'named-docker' | 'owns-socket' | 'socket-acl';
  /** Accounts in the group, by primary gid or by the member list. */
  members: DockerGroupMember[];
}

/** One parsed sudoers rule, aliases expanded. */
export interface SudoRule {
  /** File and line the rule came from, e.g. `/etc/sudoers.d/ci:3`. */
  source: string;
  /**
   * Who it grants: user names, `%group` names, `%#gid`, `#uid`, or `ALL`.
   * Negated entries (`!name`) are kept with their `!`.
   */
  principals: string[];
  /** Run-as users (`root`, `ALL`); empty means the sudo default (root). */
  runAs: string[];
  /** Commands granted (`ALL` or paths with arguments), sanitised. */
  commands: string[];
  /** True when the rule carries NOPASSWD (for at least one of its commands). */
  nopasswd: boolean;
  /** True when the command list includes ALL (unrestricted root). */
  allCommands: boolean;
}

export interface SudoFacts {
  /** Sudoers files read, in order (main file, then includes). */
  files: string[];
  /** Rules in the order sudo reads them. */
  rules: SudoRule[];
  /** Problems reading includes (missing file, symlink refused, include depth), sanitised. */
  problems: string[];
}

/** Kind of private key file, from its header. */
export type PrivateKeyFormat = 'openssh' | 'pem-rsa' | 'pem-ec' | 'pem-dsa' | 'pem-pkcs8' | 'pem-pkcs8-encrypted' | 'putty';

/** A private key found on disk. The key material is never kept: only its public fingerprint. */
export interface PrivateKeyFacts {
  /** Host path of the key file (sanitised). */
  path: string;
  /** Format, from the header. */
  format: PrivateKeyFormat;
  /** Key algorithm (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, ...) when derivable, else null. */
  keyType: string | null;
  /** True when a passphrase protects the key. */
  encrypted: boolean;
  /** OpenSSH public key fingerprint (`SHA256:...`, as `ssh-keygen -l` prints), null when not derivable. */
  publicFingerprint: string | null;
  /** Owner uid of the file. */
  owner: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  /** Job users that can read the file (every directory on the way searchable, the file readable). */
  readableBy: string[];
}

/** An authorized_keys file: who can log in as that account. */
export interface AuthorizedKeysFacts {
  /** Host path of the file. */
  path: string;
  /** Account whose home holds it. */
  user: string;
  /** Number of key lines. */
  keys: number;
  /** Lines restricted by `from=`, `command=` or `restrict`. */
  restricted: number;
  /** Owner uid of the file. */
  owner: number;
  /** Permission bits. */
  mode: number;
  /** Job users that can write the file (or create it: the directory is writable), i.e. plant a login key. */
  writableBy: string[];
}

/** First-wins values of sshd_config (Include files followed). */
export interface SshdFacts {
  /** Host path of the main config file. */
  path: string;
  /** PermitRootLogin as configured, lowercased; null when unset (OpenSSH default: prohibit-password). */
  permitRootLogin: string | null;
  /** PasswordAuthentication as configured, lowercased; null when unset (OpenSSH default: yes). */
  passwordAuthentication: string | null;
}

export interface SshFacts {
  /** Homes searched for keys (job users', root's, and other homes a job user can enter). */
  homesSearched: string[];
  /** Private keys found in the searched homes. */
  privateKeys: PrivateKeyFacts[];
  /** authorized_keys files found in the searched homes. */
  authorizedKeys: AuthorizedKeysFacts[];
  /** Null when there is no /etc/ssh/sshd_config. */
  sshd: SshdFacts | null;
}

/** Kind of credential file in a home. */
export type CredentialKind = 'docker-config' | 'git-credentials' | 'netrc' | 'aws-credentials' | 'kube-config' | 'npmrc' | 'pypirc' | 'maven-settings' | 'gradle-properties' | 'terraform-credentials' | 'vault-token' | 'gcloud' | 'azure' | 'runner-config';

/** A credential file found in a job user's home: presence and fingerprint only. */
export interface CredentialFileFacts {
  /** Host path of the file (sanitised). */
  path: string;
  /** What kind of credential file it is (by its path). */
  kind: CredentialKind;
  /** Job user whose home holds it. */
  user: string;
  /** Owner uid of the file. */
  owner: number;
  /** Permission bits. */
  mode: number;
  /** Size in bytes. */
  size: number;
  /** Last modification (epoch ms): a recent one often means a job wrote it. */
  mtimeMs: number;
  /** True when the file holds credentials inline (not only a helper name such as docker `credsStore`). */
  hasSecrets: boolean;
  /** Hosts or profiles the credentials are for (registry hosts, netrc machines), never the secrets. */
  targets: string[];
  /** Fingerprint of the file's bytes (first few kB) when it holds secrets, else null. */
  fingerprint: string | null;
  /** Job users that can read it. */
  readableBy: string[];
}

/** A shell startup file of a job user: runs at the start (or end) of every later shell job. */
export interface StartupFileFacts {
  /** Host path of the file (sanitised). */
  path: string;
  /** Job user whose home holds it. */
  user: string;
  /** False when absent (it matters only if the job user can create it: see `writableBy`). */
  exists: boolean;
  /** Owner uid; null when absent. */
  owner: number | null;
  /** Permission bits; null when absent. */
  mode: number | null;
  /** Last modification (epoch ms); null when absent. */
  mtimeMs: number | null;
  /** Job users that can change it: write the file, or create/replace it in a writable home. */
  writableBy: string[];
}

/** A git setting that changes what git does for every later job. */
export interface GitConfigSetting {
  /** `credential.helper`, `url.<base>.insteadof`, `core.hookspath`, `http.sslverify`, ... lowercased as git does. */
  key: string;
  /** The value, sanitised, with URL credentials removed. */
  value: string;
  /** What makes it dangerous. */
  risk: 'plaintext-credentials' | 'url-rewrite' | 'hooks-path' | 'tls-verify-off' | 'runs-command' | 'include' | 'safe-directory-any';
  /** Fingerprint of credentials embedded in the value (an insteadOf URL with a token), else null. */
  credentialFingerprint: string | null;
  /** 1-based line in the file. */
  line: number;
}

/** One git config file (system or a job user's global). */
export interface GitConfigFacts {
  /** Host path of the file. */
  path: string;
  /** `system` for /etc/gitconfig, `global` for a job user's ~/.gitconfig or ~/.config/git/config. */
  scope: 'system' | 'global';
  /** Job user for global files; null for /etc/gitconfig. */
  user: string | null;
  /** Owner uid of the file. */
  owner: number;
  /** Permission bits. */
  mode: number;
  /** Settings that change what git does in every later job (harmless ones are not kept). */
  settings: GitConfigSetting[];
  /** Job users that can change the file. */
  writableBy: string[];
}

/** How a remote URL carried credentials. */
export type UrlCredentialKind =
  /** `gitlab-ci-token:<job token>@`: valid only while its job runs. */
  | 'job-token'
  /** A long-lived GitLab token (`glpat-`, `gldt-`, ...) as the URL password. */
  | 'gitlab-token'
  /** Any other `user:password@`. */
  | 'password'
  /** An `http.extraHeader` carrying an Authorization header. */
  | 'auth-header';

/** A project working copy left in a builds or cache dir. */
export interface WorkingCopy {
  /** Host path, sanitised for display. */
  path: string;
  /** Exact path bytes, base64: two hostile names that display alike stay distinct. */
  pathB64: string;
  /** Project identity within the builds dir: the path below `<short-token>/<concurrent-id>/`. */
  project: string;
  /** mtime of `.git`: every fetch or checkout rewrites files in it, so it dates the last job that used the copy. */
  mtimeMs: number;
  /** Size of `.git/index` in bytes: grows with the number of tracked files (0 when absent). */
  indexBytes: number;
  /** Remote URLs with credentials removed, e.g. `https://***@gitlab.example.com/group/app.git`. */
  remotes: string[];
  /** Credentials embedded in remote URLs or insteadOf rules of `.git/config`. */
  credentials: { kind: UrlCredentialKind; fingerprint: string }[];
  /** True when `.git/modules` exists: submodule contents persist for later jobs. */
  submodules: boolean;
  /** Why `.git/config` could not be read (symlink, FIFO, too large...), else null. */
  configProblem: string | null;
}

/** One builds or cache directory and what persists in it. */
export interface BuildDirFacts {
  /** Host path. */
  path: string;
  /** Runners that use it (empty for a dir named only in runner-warden's config). */
  runners: string[];
  /** Builds dir (working copies) or cache dir (cache archives, sometimes copies). */
  kind: 'builds' | 'cache';
  /** False when the directory does not exist. */
  exists: boolean;
  /** Why it could not be walked (its last component is a symlink, not a directory, unreadable), else null. */
  problem: string | null;
  /** Working copies found (every one is counted; `workingCopies` lists at most a few hundred). */
  workingCopyCount: number;
  /** Distinct projects among them. */
  distinctProjects: number;
  /** Working copies whose remotes or rewrites embed credentials. */
  withCredentials: number;
  /** Working copies with `.git/modules`. */
  withSubmodules: number;
  /** Oldest working copy mtime (epoch ms), null when none. */
  oldestMtimeMs: number | null;
  /** Sum of `.git/index` sizes: a bounded stand-in for the size of what persists. */
  indexBytesTotal: number;
  /** Up to a few hundred working copies, those with credentials or submodules first. */
  workingCopies: WorkingCopy[];
  /** `<project>.tmp` dirs (the runner's per-job temporary dir) that still hold files; every one is counted. */
  jobTempDirCount: number;
  /** Up to a few dozen of them, newest first. */
  jobTempDirs: JobTempDir[];
  /** What the bounded walk saw and where it was cut. */
  walk: WalkReport;
}

/**
 * A `<project>.tmp` dir with files in it. The runner writes a job's file-type CI/CD variables and
 * its CA file there and removes them when the job ends, so files left over come from jobs that
 * were killed before their cleanup ran. Only names are kept, never contents.
 */
export interface JobTempDir {
  /** Host path (sanitised). */
  path: string;
  /** The project it belongs to, as in WorkingCopy.project (without `.tmp`). */
  project: string;
  /** Regular files in it (all are counted; `files` names the first few). */
  fileCount: number;
  /** File names (variable names, sanitised). */
  files: string[];
  /** The dir's mtime (epoch ms): when the last job wrote to it. */
  mtimeMs: number;
}

export interface SystemFacts {
  /** The runners this collection was joined with (from the runner facts); empty when none was found. */
  runners: RunnerContext[];
  /** Accounts whose shell jobs run on this host. */
  jobUsers: JobUser[];
  /** Passwd entries of job users, root, and owners of searched homes. */
  users: UserEntry[];
  /** Groups any job user is in, plus the docker group. */
  groups: GroupEntry[];
  /** Docker-capable groups and who is in them; empty when there is none. */
  dockerGroups: DockerGroupFacts[];
  /** Accounts a POSIX ACL on the daemon socket grants rw by name (setfacl -m u:NAME:rw). */
  dockerSocketUserGrants: DockerSocketUserGrant[];
  /**
   * Whether POSIX ACLs were read (native file access). When false, access is judged on mode bits
   * alone, and a grant made by an ACL is missed.
   */
  aclsRead: boolean;
  /** Sudo rules from /etc/sudoers and its includes. */
  sudo: SudoFacts;
  /** SSH keys, authorized_keys and sshd settings. */
  ssh: SshFacts;
  /** Credential files in job users' homes. */
  credentialFiles: CredentialFileFacts[];
  /** Shell startup files in job users' homes (present or creatable); the check judges those of shell-job users. */
  startupFiles: StartupFileFacts[];
  /** /etc/gitconfig and job users' global git config. */
  gitConfigs: GitConfigFacts[];
  /** Each builds and cache dir of the runners (and of runner-warden's config). */
  buildDirs: BuildDirFacts[];
  /** Partial trouble (a file refused, a walk cut), sanitised: the rest is still judged. */
  errors: string[];
}
