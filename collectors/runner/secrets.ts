import type { Table } from './canonical.js';
import { tokenKind } from './tokens.js';
import type { PlaintextSecret } from './types.js';
import { list, sub, tables } from './values.js';

/** A value is a plaintext secret when it is set and is neither a `$VAR` reference nor a placeholder. */
function isPlaintext(value: unknown): boolean {
  if (typeof value !== 'string' || value.trim() === '') return false;
  const kind = tokenKind(value);
  return kind !== 'env-reference' && kind !== 'placeholder';
}

// Environment entries every job can read; names only are kept.
const SECRET_ENV_NAME = /(?:^DOCKER_AUTH_CONFIG$|TOKEN|PASSWORD|PASSWD|SECRET|PRIVATE_KEY|ACCESS_KEY|API_KEY|CREDENTIAL|^AWS_)/i;
// docker-machine driver flags that carry credentials (amazonec2-secret-key, azure-client-secret, ...).
const SECRET_MACHINE_OPTION = /(?:access-key|secret-key|secret|token|password|client-secret|api-key)$/i;

export function machineCredentialOptions(machine: Table | undefined): string[] {
  const names: string[] = [];
  for (const option of list(machine, 'MachineOptions', 400)) {
    const [name, value] = option.replace(/^--?/, '').split('=', 2);
    if (name && SECRET_MACHINE_OPTION.test(name) && isPlaintext(value)) names.push(name.slice(0, 80));
  }
  return names;
}

/** Plaintext credentials of one [[runners]] entry: where they are, never what they are. */
export function runnerSecrets(runner: Table): PlaintextSecret[] {
  const found: PlaintextSecret[] = [];
  const add = (present: boolean, setting: string, kind: PlaintextSecret['kind']): void => {
    if (present) found.push({ setting, kind });
  };
  const environment = Array.isArray(runner.environment) ? runner.environment.filter((e): e is string => typeof e === 'string') : [];
  for (const entry of environment) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq) : entry;
    if (!SECRET_ENV_NAME.test(name) || !isPlaintext(entry.slice(eq + 1))) continue;
    const kind = /^DOCKER_AUTH_CONFIG$/i.test(name) ? 'registry-credential' : 'environment-secret';
    add(true, `runners.environment.${name.slice(0, 80)}`, kind);
  }
  for (const key of ['url', 'clone_url']) {
    const value = runner[key];
    add(typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i.test(value), `runners.${key}`, 'url-credential');
  }
  const cache = sub(runner, 'cache');
  const s3 = sub(cache, 's3');
  for (const key of ['AccessKey', 'SecretKey', 'SessionToken']) add(isPlaintext(s3?.[key]), `runners.cache.s3.${key}`, 'cache-credential');
  add(isPlaintext(sub(cache, 'gcs')?.PrivateKey), 'runners.cache.gcs.PrivateKey', 'cache-credential');
  add(isPlaintext(sub(cache, 'azure')?.AccountKey), 'runners.cache.azure.AccountKey', 'cache-credential');
  add(isPlaintext(sub(runner, 'ssh')?.password), 'runners.ssh.password', 'ssh-password');
  add(isPlaintext(sub(runner, 'kubernetes')?.bearer_token), 'runners.kubernetes.bearer_token', 'kubernetes-token');
  const autoscaler = sub(runner, 'autoscaler');
  add(isPlaintext(sub(autoscaler, 'connector_config')?.password), 'runners.autoscaler.connector_config.password', 'connector-password');
  for (const option of machineCredentialOptions(sub(runner, 'machine'))) add(true, `runners.machine.MachineOptions.${option}`, 'cloud-credential');
  for (const service of tables(sub(runner, 'docker'), 'services')) {
    for (const entry of list(service, 'environment', 400)) {
      const name = entry.split('=', 1)[0] ?? '';
      if (SECRET_ENV_NAME.test(name) && isPlaintext(entry.slice(name.length + 1))) add(true, `runners.docker.services.environment.${name.slice(0, 80)}`, 'environment-secret');
    }
  }
  return found;
}
