import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWarden } from '../helpers/cli.js';
import { SyntheticHost } from '../helpers/host.js';

// Known secret strings planted everywhere a runner host keeps credentials. None may appear in
// any output format, in the facts, or in the logs (debug level), whatever the check says.
const SECRETS = {
  runnerToken: 'glrt-SEEDrunnerTOKEN0000aaaa',
  legacyToken: 'SEEDlegacyTOKEN12345',
  registrationToken: 'GR1348941SEEDregistrationTOKEN',
  registryPassword: 'SEEDregistryPASSWORD',
  cacheSecretKey: 'SEEDcacheSECRETkey0123456789',
  sshPassword: 'SEEDsshPASSWORD',
  urlPassword: 'SEEDurlPASSWORD',
  jobToken: 'SEEDjobTOKENinREMOTE',
  gitCredential: 'SEEDgitCREDENTIAL',
  privateKeyBody: 'SEEDprivateKEYbodyAAAAB3NzaC1yc2E',
  awsSecret: 'SEEDawsSECRETaccessKEY',
};
const AUTH = Buffer.from(`deploy:${SECRETS.registryPassword}`).toString('base64');

const CONFIG = `concurrent = 4
listen_address = "0.0.0.0:9252"
[[runners]]
  name = "docker-secrets"
  url = "https://ci:${SECRETS.urlPassword}@gitlab.example.com"
  token = "${SECRETS.runnerToken}"
  executor = "docker"
  environment = ["DOCKER_AUTH_CONFIG={\\"auths\\":{\\"registry.example.com\\":{\\"auth\\":\\"${AUTH}\\"}}}", "REG_PASS=${SECRETS.registryPassword}"]
  [runners.docker]
    image = "alpine"
    privileged = true
    volumes = ["/var/run/docker.sock:/var/run/docker.sock"]
  [runners.cache]
    Type = "s3"
    [runners.cache.s3]
      AccessKey = "AKIASEEDACCESSKEY000"
      SecretKey = "${SECRETS.cacheSecretKey}"
[[runners]]
  name = "ssh-secrets"
  url = "http://gitlab.example.com"
  token = "${SECRETS.legacyToken}"
  executor = "ssh"
  [runners.ssh]
    host = "build.example.com"
    user = "root"
    password = "${SECRETS.sshPassword}"
[[runners]]
  name = "registration-token-in-place"
  url = "https://gitlab.example.com"
  token = "${SECRETS.registrationToken}"
  executor = "shell"
`;

let host: SyntheticHost;
let wardenConfig: string;

beforeAll(() => {
  host = new SyntheticHost().withIdentity('secret-host');
  host.write('/etc/gitlab-runner/config.toml', { content: CONFIG, mode: 0o644 });
  host.write('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ngitlab-runner:x:999:999::/home/gitlab-runner:/bin/bash\n');
  host.write('/etc/group', 'root:x:0:\ndocker:x:998:gitlab-runner\ngitlab-runner:x:999:\n');
  host.write('/home/gitlab-runner/.ssh/id_rsa', { content: `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRETS.privateKeyBody}\n-----END OPENSSH PRIVATE KEY-----\n`, mode: 0o600 });
  host.write('/home/gitlab-runner/.git-credentials', `https://user:${SECRETS.gitCredential}@gitlab.example.com\n`);
  host.write('/home/gitlab-runner/.docker/config.json', JSON.stringify({ auths: { 'registry.example.com': { auth: AUTH } } }));
  host.write('/home/gitlab-runner/.aws/credentials', `[default]\naws_access_key_id = AKIASEEDACCESSKEY000\naws_secret_access_key = ${SECRETS.awsSecret}\n`);
  host.write(
    '/home/gitlab-runner/builds/abc123/0/group/project/.git/config',
    `[remote "origin"]\n\turl = https://gitlab-ci-token:${SECRETS.jobToken}@gitlab.example.com/group/project.git\n`,
  );
  wardenConfig = host.path('/warden.toml');
  fs.writeFileSync(wardenConfig, '[docker]\nsocket = "/nonexistent/docker.sock"\n[network]\nmetadata_probes = "never"\n');
});
afterAll(() => host.cleanup());

describe('seeded secrets', () => {
  const outputs: [string, string[]][] = [
    ['table', ['scan', '--verbose']],
    ['json', ['scan', '--format', 'json']],
    ['sarif', ['scan', '--format', 'sarif']],
    ['junit', ['scan', '--format', 'junit']],
    ['facts', ['facts']],
  ];

  it.each(outputs)('appear nowhere in %s output or the debug log', (_name, args) => {
    const run = runWarden([...args, '--root', host.root, '--config', wardenConfig], { RUNNER_WARDEN_LOG_LEVEL: 'debug', DOCKER_HOST: undefined });
    expect(run.stdout.length).toBeGreaterThan(500);
    const everything = run.stdout + run.stderr;
    for (const [name, secret] of Object.entries(SECRETS)) expect(everything, name).not.toContain(secret);
    expect(everything).not.toContain(AUTH);
  });

  it('still reports the problems the secrets reveal', () => {
    const result = JSON.parse(runWarden(['scan', '--format', 'json', '--root', host.root, '--config', wardenConfig]).stdout);
    const ids = new Set(result.findings.map((f: { checkId: string }) => f.checkId));
    expect(ids.has('plaintext-secrets-in-config')).toBe(true);
    expect(result.findings.length).toBeGreaterThan(5);
  });
});
