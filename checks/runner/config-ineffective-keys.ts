import { defineCheck, type FindingDraft } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { IneffectiveKey } from '../../collectors/runner/types.js';
import { compareVersions, judgeConfigs, runnerVersion } from './common.js';

// Keys an admin sets to restrict jobs: believing them active while the runner ignores them is the risk.
const RESTRICTIONS = new Set(
  [
    'protected', 'access_level', 'locked', 'run_untagged', 'tag_list', 'tags', 'pre_clone_script', 'post_clone_script', 'executor',
    'pull_policy', 'allowed_pull_policies', 'allowed_images', 'allowed_services', 'allowed_privileged_images',
    'allowed_privileged_services', 'allowed_users', 'services_privileged', 'cap_drop', 'security_opt', 'user',
    'disable_strict_host_key_checking', 'known_hosts_file', 'maxbuilds', 'max_use_count', 'capacity_per_instance',
    'ff_enable_job_cleanup', 'feature_flags', 'clean_git_config', 'debug_trace_disabled', 'disable_cache', 'tls_verify',
    'tls-ca-file', 'limit', 'listen_address', 'runtime', 'builds_dir', 'cache_dir', 'userns_mode', 'read_only',
  ].map((key) => key.toLowerCase()),
);
// Keys that loosen isolation: ignored they do no harm, but the admin's picture of the runner is wrong.
const LOOSENERS = new Set(['network_mode', 'privileged', 'cap_add', 'volumes', 'devices', 'pid_mode', 'ipcmode', 'environment']);

/** Edit distance up to `limit` (then limit + 1): enough to recognise "privilaged" or "cap_drops". */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The security key an ineffective key is (or is a misspelling of), with whether it restricts or loosens jobs. */
function controlOf(key: string): { control: string; restriction: boolean } | null {
  const lower = key.toLowerCase();
  if (RESTRICTIONS.has(lower)) return { control: lower, restriction: true };
  if (LOOSENERS.has(lower)) return { control: lower, restriction: false };
  if (lower.length < 6) return null;
  for (const [set, restriction] of [[RESTRICTIONS, true], [LOOSENERS, false]] as const) {
    for (const control of set) if (control.length >= 6 && distance(lower, control, 2) <= 2) return { control, restriction };
  }
  return null;
}

function tableName(table: string): string {
  if (table === '') return 'the top level';
  return `[${table.replace(/\[\d+\]/g, '')}]`.replace('[runners]', '[[runners]]');
}

function runnerIndex(table: string): number | null {
  const match = /^runners\[(\d+)\]/.exec(table);
  return match ? Number(match[1]) : null;
}

export const configIneffectiveKeys = defineCheck({
  meta: {
    id: 'config-ineffective-keys',
    title: 'Security settings the runner silently ignores',
    severity: 'medium',
    category: 'maintenance',
    rationale:
      'gitlab-runner ignores keys it does not know, keys in the wrong table, removed keys and registration-time settings, without a warning. protected = true in config.toml does not protect anything, pre_clone_script stopped running in 17.0, and network_mode or executor placed in the wrong table does not apply: the runner is not configured the way its admin believes.',
    remediation: 'Move each key to the table the runner reads it from, replace removed keys (pre_get_sources_script for pre_clone_script), and set server-side settings (protected, tags, locked) on the runner in GitLab. `gitlab-runner lint` lists these keys.',
    gitlabSection: 'privileged-containers',
    references: [{ title: 'Advanced configuration', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const runnerFacts = facts.domains.runner;
    return judgeConfigs(runnerFacts, (configs) => {
      const version = runnerVersion(runnerFacts);
      const drafts: FindingDraft[] = [];
      for (const config of configs) {
        for (const key of config.ineffectiveKeys) {
          const lower = key.key.toLowerCase();
          const control = controlOf(key.key);
          if (!control) continue;
          // Before 17.0 the clone scripts still ran: then they are not ineffective.
          if (key.reason === 'removed' && /^(?:pre|post)_clone_script$/.test(lower) && version && compareVersions(version, '17.0.0') < 0) continue;
          drafts.push(draft(config.path, config.runners, key, control.control, control.restriction ? 'medium' : 'low'));
        }
      }
      return drafts;
    });
  },
});

function draft(configPath: string, runners: { index: number; name: string; token: { fingerprint: string | null } | null }[], key: IneffectiveKey, control: string, severity: Severity): FindingDraft {
  const index = runnerIndex(key.table);
  const runner = index === null ? undefined : runners.find((r) => r.index === index);
  const where = `${configPath}${key.line ? `:${key.line}` : ''}`;
  const why = {
    unknown: control === key.key.toLowerCase() ? 'is not a runner setting' : `is not a runner setting (a misspelling of ${control}?)`,
    misplaced: `belongs in ${key.hint ?? 'another table'}`,
    removed: `was removed (${key.hint ?? 'no replacement'})`,
    'registration-only': `is a GitLab-side setting (${key.hint ?? 'set it in GitLab'})`,
    shadowed: `repeats ${key.hint ?? 'another key'} in another letter case`,
  }[key.reason];
  const fix =
    key.reason === 'misplaced' && key.hint
      ? `Move ${key.key} to [${key.hint.replace(/\.[^.]+$/, '')}] (${key.hint}) in ${configPath}.`
      : key.reason === 'registration-only'
        ? `Remove ${key.key} from ${configPath} and ${key.hint ?? 'set it on the runner in GitLab'}.`
        : key.reason === 'removed'
          ? `Replace ${key.key} with ${key.hint ?? 'its successor'} in ${configPath}.`
          : `Remove or correct ${key.key} in ${configPath}.`;
  return {
    subject: { kind: 'runner', id: `${configPath}#${runner?.token?.fingerprint ?? (index === null ? 'global' : `runners[${index}]`)}`, label: runner?.name || key.table || 'global' },
    ...(runner ? { runner: { name: runner.name || `#${runner.index + 1}`, id: runner.token?.fingerprint ?? null, configPath } } : {}),
    message: `${where}: ${key.key} in ${tableName(key.table)} has no effect: it ${why}`,
    evidence: `${key.key} in ${tableName(key.table)}${key.line ? ` at line ${key.line}` : ''} (${key.reason})`,
    severity,
    remediation: fix,
    key: `${key.table}/${key.key}`,
  };
}
