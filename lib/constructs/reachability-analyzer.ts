/**
 * Which paths AWS Reachability Analyzer checks: every ordered pair of instances in the same
 * region and account (the analyser cannot follow a path across regions, nor, outside an AWS
 * Organizations setup, across accounts), each with what the config means: peered pairs reach
 * each other, others do not.
 */
import { PeeringConfig, peersOf } from "../config";

/**
 * Reachability Analyzer analyses TCP and UDP paths only (its API accepts no ICMP), so each path
 * is a TCP path to this port, which the reachability stack admits from the same peer blocks as
 * the instances' ICMP rule. Port 7 is the echo service; nothing needs to listen on it, since the
 * analyser reads the configuration and sends no packet.
 */
export const ANALYZER_PROBE_PORT = 7;

/** An instance to analyse: its VPC's config name and where it runs. */
export interface AnalyzerEndpoint {
  /** VPC name from the config. */
  readonly name: string;
  /** Region of the instance. */
  readonly region: string;
  /**
   * Account of the instance, by config name.
   * @default - the credentials' own account
   */
  readonly account?: string;
}

/** One path to analyse and the verdict the config means. */
export interface AnalyzerPair {
  readonly from: string;
  readonly to: string;
  readonly region: string;
  /** Whether the analyser must find the path: exactly when the config peers the two VPCs. */
  readonly pathFound: boolean;
}

/** Every ordered pair of endpoints that share a region and an account, in endpoint order, with the verdict the config means. */
export function analyzerPairs(config: PeeringConfig, endpoints: readonly AnalyzerEndpoint[]): AnalyzerPair[] {
  return endpoints.flatMap((from) =>
    endpoints
      .filter((to) => to !== from && to.region === from.region && to.account === from.account)
      .map((to) => ({
        from: from.name,
        to: to.name,
        region: from.region,
        pathFound: peersOf(config, from.name).some((p) => p.name === to.name),
      })),
  );
}

/** The endpoints of a config: one instance per VPC, where its VPC is. */
export function analyzerEndpoints(config: PeeringConfig): AnalyzerEndpoint[] {
  return config.vpcs.map((vpc) => ({
    name: vpc.name,
    region: vpc.region,
    ...(vpc.account !== undefined ? { account: vpc.account } : {}),
  }));
}
