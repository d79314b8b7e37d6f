/**
 * The keys gitlab-runner honours in config.toml, table by table (from the runner's
 * `common/config.go` struct tags). Used to parse the file as the runner does: keys match
 * case-insensitively, anything else is silently ignored by the runner and recorded by us
 * as an ineffective key.
 */

/** `value`: a leaf (any TOML type); `map`: a table with free keys; a schema: a table; `[schema]`: an array of tables. */
export type KeySpec = 'value' | 'map' | TableSchema | readonly [TableSchema];
export interface TableSchema {
  readonly keys: Readonly<Record<string, KeySpec>>;
}

const table = (...names: string[]): Record<string, KeySpec> => Object.fromEntries(names.map((name) => [name, 'value' as const]));

const sessionServer: TableSchema = { keys: table('listen_address', 'advertise_address', 'session_timeout') };

const dockerService: TableSchema = { keys: table('name', 'alias', 'command', 'entrypoint', 'environment') };

const docker: TableSchema = {
  keys: {
    ...table(
      'host', 'tls_cert_path', 'tls_verify', 'hostname', 'image', 'runtime', 'memory', 'memory_swap', 'memory_reservation',
      'cpuset_cpus', 'cpuset_mems', 'cpus', 'cpu_shares', 'dns', 'dns_search', 'privileged', 'services_privileged',
      'disable_entrypoint_overwrite', 'user', 'group_add', 'userns_mode', 'cap_add', 'cap_drop', 'oom_kill_disable',
      'oom_score_adjust', 'security_opt', 'services_security_opt', 'devices', 'device_cgroup_rules', 'gpus', 'service_gpus',
      'disable_cache', 'volumes', 'volume_driver', 'cache_dir', 'extra_hosts', 'volumes_from', 'network_mode', 'ipcmode',
      'pid_mode', 'mac_address', 'links', 'wait_for_services_timeout', 'allowed_images', 'allowed_privileged_images',
      'allowed_privileged_services', 'allowed_pull_policies', 'allowed_services', 'allowed_users', 'pull_policy', 'isolation',
      'shm_size', 'helper_image', 'helper_image_flavor', 'helper_image_autoset_arch_and_os', 'enable_ipv6', 'network_mtu',
      'services_limit', 'service_memory', 'service_memory_swap', 'service_memory_reservation', 'service_cpuset_cpus',
      'service_cpus', 'service_cpu_shares', 'volume_keep',
    ),
    volume_driver_ops: 'map',
    tmpfs: 'map',
    services_tmpfs: 'map',
    sysctls: 'map',
    ulimit: 'map',
    log_options: 'map',
    services_devices: 'map',
    container_labels: 'map',
    services: [dockerService],
  },
};

const machineAutoscaling: TableSchema = { keys: table('Periods', 'Timezone', 'IdleCount', 'IdleScaleFactor', 'IdleCountMin', 'IdleTime') };
const machine: TableSchema = {
  keys: {
    ...table(
      'MaxGrowthRate', 'IdleCount', 'IdleScaleFactor', 'IdleCountMin', 'IdleTime', 'MaxBuilds', 'MachineDriver', 'MachineName',
      'MachineOptions', 'MachineOptionsWithName', 'MaxRemovalAttempts', 'OffPeakPeriods', 'OffPeakTimezone', 'OffPeakIdleCount',
      'OffPeakIdleTime',
    ),
    autoscaling: [machineAutoscaling],
  },
};

const connectorConfig: TableSchema = {
  keys: table('os', 'arch', 'protocol', 'protocol_port', 'username', 'password', 'key_path', 'use_static_credentials', 'keepalive', 'timeout', 'use_external_addr'),
};
const autoscaler: TableSchema = {
  keys: {
    ...table(
      'capacity_per_instance', 'max_use_count', 'max_instances', 'plugin', 'delete_instances_on_shutdown', 'instance_ready_command',
      'instance_acquire_timeout', 'update_interval', 'update_interval_when_expecting', 'deletion_retry_interval',
      'shutdown_deletion_interval', 'shutdown_deletion_retries', 'failure_threshold', 'log_internal_ip', 'log_external_ip',
      'instance_operation_time_buckets', 'instance_creation_time_buckets', 'instance_is_running_time_buckets',
      'instance_deletion_time_buckets', 'instance_readiness_time_buckets', 'instance_life_duration_buckets',
    ),
    plugin_config: 'map',
    connector_config: connectorConfig,
    policy: [{ keys: table('periods', 'timezone', 'idle_count', 'idle_time', 'scale_factor', 'scale_factor_limit', 'preemptive_mode') }],
    state_storage: { keys: table('enabled', 'dir', 'keep_instance_with_acquisitions') },
    vm_isolation: { keys: { ...table('enabled', 'nesting_host', 'image'), nesting_config: 'map', connector_config: connectorConfig } },
  },
};

const ssh: TableSchema = {
  keys: table('user', 'password', 'host', 'port', 'identity_file', 'disable_strict_host_key_checking', 'known_hosts_file', 'connect_timeout'),
};

const hostPath: TableSchema = { keys: table('name', 'mount_path', 'sub_path', 'read_only', 'host_path', 'mount_propagation') };
const kubernetes: TableSchema = {
  keys: {
    ...table(
      'host', 'context', 'cert_file', 'key_file', 'ca_file', 'bearer_token_overwrite_allowed', 'bearer_token', 'image', 'namespace',
      'namespace_overwrite_allowed', 'namespace_per_job', 'privileged', 'runtime_class_name', 'allow_privilege_escalation',
      'cpu_limit', 'cpu_limit_overwrite_max_allowed', 'cpu_request', 'cpu_request_overwrite_max_allowed', 'memory_limit',
      'memory_limit_overwrite_max_allowed', 'memory_request', 'memory_request_overwrite_max_allowed', 'ephemeral_storage_limit',
      'ephemeral_storage_limit_overwrite_max_allowed', 'ephemeral_storage_request', 'ephemeral_storage_request_overwrite_max_allowed',
      'service_cpu_limit', 'service_cpu_limit_overwrite_max_allowed', 'service_cpu_request', 'service_cpu_request_overwrite_max_allowed',
      'service_memory_limit', 'service_memory_limit_overwrite_max_allowed', 'service_memory_request',
      'service_memory_request_overwrite_max_allowed', 'service_ephemeral_storage_limit',
      'service_ephemeral_storage_limit_overwrite_max_allowed', 'service_ephemeral_storage_request',
      'service_ephemeral_storage_request_overwrite_max_allowed', 'helper_cpu_limit', 'helper_cpu_limit_overwrite_max_allowed',
      'helper_cpu_request', 'helper_cpu_request_overwrite_max_allowed', 'helper_memory_limit', 'helper_memory_limit_overwrite_max_allowed',
      'helper_memory_request', 'helper_memory_request_overwrite_max_allowed', 'helper_ephemeral_storage_limit',
      'helper_ephemeral_storage_limit_overwrite_max_allowed', 'helper_ephemeral_storage_request',
      'helper_ephemeral_storage_request_overwrite_max_allowed', 'allowed_images', 'allowed_pull_policies', 'allowed_services',
      'allowed_users', 'allowed_groups', 'pull_policy', 'node_selector_overwrite_allowed', 'node_tolerations_overwrite_allowed',
      'image_pull_secrets', 'helper_image', 'helper_image_flavor', 'helper_image_autoset_arch_and_os', 'terminationGracePeriodSeconds',
      'pod_termination_grace_period_seconds', 'cleanup_grace_period_seconds', 'cleanup_resources_timeout', 'poll_interval',
      'poll_timeout', 'resource_availability_check_max_attempts', 'pod_labels_overwrite_allowed', 'scheduler_name',
      'service_account', 'service_account_overwrite_allowed', 'pod_annotations_overwrite_allowed', 'cap_add', 'cap_drop',
      'dns_policy', 'priority_class_name', 'automount_service_account_token', 'use_service_account_image_pull_secrets',
      'print_pod_warning_events', 'logs_base_dir', 'scripts_base_dir', 'host_aliases', 'services', 'pod_spec',
      // Nested tables whose inner keys the runner validates itself; we keep them opaque.
      'affinity', 'pod_security_context', 'init_permissions_container_security_context', 'build_container_security_context',
      'helper_container_security_context', 'service_container_security_context', 'dns_config', 'container_lifecycle',
    ),
    node_selector: 'map',
    node_tolerations: 'map',
    pod_labels: 'map',
    pod_annotations: 'map',
    volumes: { keys: { host_path: [hostPath], ...table('pvc', 'config_map', 'secret', 'empty_dir', 'csi', 'nfs') } },
  },
};

const custom: TableSchema = {
  keys: table(
    'config_exec', 'config_args', 'config_exec_timeout', 'prepare_exec', 'prepare_args', 'prepare_exec_timeout', 'run_exec',
    'run_args', 'cleanup_exec', 'cleanup_args', 'cleanup_exec_timeout', 'graceful_kill_timeout', 'force_kill_timeout',
  ),
};

const cache: TableSchema = {
  keys: {
    ...table('Type', 'Path', 'Shared', 'MaxUploadedArchiveSize'),
    s3: {
      keys: table(
        'ServerAddress', 'AccessKey', 'SecretKey', 'SessionToken', 'BucketName', 'BucketLocation', 'Insecure', 'AuthenticationType',
        'ServerSideEncryption', 'ServerSideEncryptionKeyID', 'DualStack', 'PathStyle', 'Accelerate', 'RoleARN', 'UploadRoleARN',
      ),
    },
    gcs: { keys: table('CredentialsFile', 'AccessID', 'PrivateKey', 'BucketName') },
    azure: { keys: table('AccountName', 'AccountKey', 'ContainerName', 'StorageDomain') },
  },
};

export const RUNNER_SCHEMA: TableSchema = {
  keys: {
    ...table(
      'name', 'limit', 'output_limit', 'request_concurrency', 'unhealthy_requests_limit', 'unhealthy_interval', 'url', 'id', 'token',
      'token_obtained_at', 'token_expires_at', 'tls-ca-file', 'tls-cert-file', 'tls-key-file', 'executor', 'builds_dir', 'cache_dir',
      'clone_url', 'environment', 'pre_get_sources_script', 'post_get_sources_script', 'pre_build_script', 'post_build_script',
      'debug_trace_disabled', 'safe_directory_checkout', 'clean_git_config', 'shell', 'proxy_exec', 'use_slot_cgroups',
      'slot_cgroup_template', 'strict_check_interval', 'job_status_final_update_retry_limit', 'step_runner_image',
      'prepare_timeout', 'get_sources_timeout', 'labels',
    ),
    feature_flags: 'map',
    custom_build_dir: { keys: table('enabled') },
    referees: 'value',
    monitoring: 'value',
    experimental: 'value',
    cache,
    instance: { keys: table('allowed_images', 'use_common_build_dir') },
    ssh,
    docker,
    parallels: { keys: table('base_name', 'template_name', 'disable_snapshots', 'time_server', 'allowed_images') },
    virtualbox: { keys: table('base_name', 'base_snapshot', 'base_folder', 'disable_snapshots', 'allowed_images', 'start_type') },
    machine,
    kubernetes,
    custom,
    autoscaler,
  },
};

export const CONFIG_SCHEMA: TableSchema = {
  keys: {
    ...table('listen_address', 'concurrent', 'check_interval', 'log_level', 'log_format', 'user', 'sentry_dsn', 'shutdown_timeout', 'connection_max_age'),
    session_server: sessionServer,
    labels: 'map',
    experimental: 'value',
    runners: [RUNNER_SCHEMA],
  },
};

/** Keys the runner once honoured at this table and now ignores: table path (without indexes) -> key -> replacement. */
export const REMOVED_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '': { metrics_server: 'listen_address (removed in 12.0)' },
  runners: {
    pre_clone_script: 'pre_get_sources_script (removed in 17.0)',
    post_clone_script: 'post_get_sources_script (removed in 17.0)',
    'tls-skip-verify': 'tls-ca-file (never verified-off since 1.0)',
  },
  'runners.cache': Object.fromEntries(
    ['ServerAddress', 'AccessKey', 'SecretKey', 'BucketName', 'BucketLocation', 'Insecure'].map((key) => [key, `runners.cache.s3.${key} (moved in 11.3)`]),
  ),
  'runners.kubernetes': { cpus: 'cpu_limit', memory: 'memory_limit', service_cpus: 'service_cpu_limit', service_memory: 'service_memory_limit' },
};

/** Runner settings that live on the GitLab server; written into config.toml they do nothing. */
export const REGISTRATION_ONLY_KEYS: Readonly<Record<string, string>> = {
  protected: 'set "Protected" on the runner in GitLab (access_level = ref_protected)',
  access_level: 'set on the runner in GitLab',
  locked: 'set on the runner in GitLab',
  run_untagged: 'set on the runner in GitLab',
  tag_list: 'set on the runner in GitLab',
  tags: 'set on the runner in GitLab',
  maximum_timeout: 'set on the runner in GitLab',
  paused: 'set on the runner in GitLab',
  registration_token: 'not a config.toml key; remove it from the host',
};
