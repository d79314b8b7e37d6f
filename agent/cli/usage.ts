/** Help texts, one per command. */
export const USAGE: Record<string, string> = {
  main: `runner-warden: security checks for hosts that run GitLab self-managed runners

Usage: runner-warden <command> [options]

Commands:
  scan              collect facts about this host and judge them (default output: a table)
  facts             collect and print the facts snapshot as JSON (judge it later with scan --facts)
  checks            list the check catalog
  explain ID        print everything about one check
  config check FILE validate a runner-warden config file
  agent             run as a service: scheduled scans, change events, shipping

Options: --help (on every command), --version

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it;
            2 bad usage, bad config, or a scan that could not run completely.
`,
  scan: `Usage: runner-warden scan [options]

  --format table|json|sarif|junit  output format (default: table)
  --output FILE                    write the report to FILE instead of stdout
  --fail-on SEVERITY               exit 1 when a finding is at or above it:
                                   critical, high, medium, low, info, or none (default: low)
  --only LIST                      run only these checks (ids or categories, comma-separated)
  --skip LIST                      leave out these checks (ids or categories)
  --root DIR                       host root to read files under (default: /, or scan.root)
  --config FILE                    runner-warden config (default: /etc/runner-warden/config.toml, optional)
  --facts FILE                     judge a saved facts snapshot instead of collecting
  --metadata-probes MODE           auto, always or never: overrides network.metadata_probes
  --verbose                        add evidence, rationale and references to the table
`,
  facts: `Usage: runner-warden facts [options]

  --root DIR                 host root to read files under
  --config FILE              runner-warden config
  --output FILE              write the snapshot to FILE instead of stdout
  --metadata-probes MODE     auto, always or never: overrides network.metadata_probes
`,
  checks: `Usage: runner-warden checks

Lists every check: id, default severity, category and title.
`,
  explain: `Usage: runner-warden explain ID

Prints a check's rationale, remediation, GitLab section and references.
`,
  config: `Usage: runner-warden config check FILE

Validates FILE; prints "ok" or one line naming the file, key and problem (exit 2).
`,
};
