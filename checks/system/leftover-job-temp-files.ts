import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import type { BuildDirFacts } from '../../collectors/system/types.js';
import { listSome, RUNNER_SECURITY_URL } from './common.js';

/** The CA certificate the runner writes for jobs: public, unlike the file variables beside it. */
const CA_FILE = 'CI_SERVER_TLS_CA_FILE';

function variableFiles(dir: BuildDirFacts): string[] {
  return [...new Set(dir.jobTempDirs.flatMap((temp) => temp.files.filter((file) => file !== CA_FILE)))];
}

export const leftoverJobTempFiles = defineCheck({
  meta: {
    id: 'leftover-job-temp-files',
    title: 'Files left in jobs\' temporary directories',
    severity: 'high',
    category: 'secrets',
    rationale:
      'The runner writes each job\'s file-type CI/CD variables (kubeconfigs, deploy keys, cloud credentials) into <project>.tmp beside the working copy, and deletes them when the job ends. Files still there come from jobs killed before their cleanup ran (a runner restart, a crash, a lost host), and every later job on the runner can read them.',
    remediation: 'Delete the leftover files, rotate the secrets those variables held, and prefer executors with a fresh environment per job for pipelines that use file variables.',
    gitlabSection: 'shell-executor',
    references: [
      { title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL },
      { title: 'CI/CD variables of type File', url: 'https://docs.gitlab.com/ci/variables/#use-file-type-cicd-variables' },
    ],
    requires: ['system'],
  },
  evaluate(facts) {
    return findingsOrPass(
      facts.domains.system.buildDirs
        .filter((dir) => dir.jobTempDirCount > 0)
        .map((dir) => {
          const variables = variableFiles(dir);
          return {
            subject: { kind: 'path' as const, id: dir.path },
            message: `${dir.jobTempDirCount} job temporary dir${dir.jobTempDirCount === 1 ? '' : 's'} in ${dir.path} still hold files${variables.length > 0 ? `, file variables among them (${listSome(variables, 5)})` : ' (the runner\'s CA file only)'}`,
            evidence: listSome(dir.jobTempDirs.map((temp) => `${temp.path}: ${temp.fileCount} file${temp.fileCount === 1 ? '' : 's'} (${listSome(temp.files, 4)})`)),
            severity: variables.length > 0 ? ('high' as const) : ('low' as const),
            remediation: `Delete the files in the .tmp dirs of ${dir.path}, rotate the secrets of ${variables.length > 0 ? listSome(variables, 5) : 'any file variable that was there'}, and find out why jobs ended without their cleanup.`,
          };
        }),
    );
  },
});
