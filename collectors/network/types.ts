/** Facts about the network: filled in by the network collector (issue 6). */
export interface NetworkFacts {
  cloud: string;
}
