/** Facts about the Docker engine: filled in by the docker collector (issue 4). */
export interface DockerFacts {
  /** False when no engine answered on the configured socket. */
  available: boolean;
}
