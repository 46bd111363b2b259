/**
 * Which paths AWS Reachability Analyzer checks: every ordered pair of instances in the same
 * region (the analyser cannot follow a path across regions), each with what the config means:
 * peered pairs reach each other, others do not.
 */
import { PeeringConfig, peersOf } from "./config";

/**
 * Reachability Analyzer analyses TCP and UDP paths only (its API accepts no ICMP), so each path
 * is a TCP path to this port, which the reachability stack admits from the same peer blocks as
 * the instances' ICMP rule. Port 7 is the echo service; nothing needs to listen on it, since the
 * analyser reads the configuration and sends no packet.
 */
export const ANALYZER_PROBE_PORT = 7;

/** An instance to analyse: its VPC's config name and the region it runs in. */
export interface AnalyzerEndpoint {
  /** VPC name from the config. */
  readonly name: string;
  /** Region of the instance. */
  readonly region: string;
}

/** One path to analyse and the verdict the config means. */
export interface AnalyzerPair {
  readonly from: string;
  readonly to: string;
  readonly region: string;
  /** Whether the analyser must find the path: exactly when the config peers the two VPCs. */
  readonly pathFound: boolean;
}

/** Every ordered pair of endpoints that share a region, in endpoint order, with the verdict the config means. */
export function analyzerPairs(config: PeeringConfig, endpoints: readonly AnalyzerEndpoint[]): AnalyzerPair[] {
  return endpoints.flatMap((from) =>
    endpoints
      .filter((to) => to !== from && to.region === from.region)
      .map((to) => ({ from: from.name, to: to.name, region: from.region, pathFound: peersOf(config, from.name).some((p) => p.name === to.name) })),
  );
}

/** The endpoints of a config: one instance per VPC, in `regionOf(vpc)`. */
export function analyzerEndpoints(config: PeeringConfig, regionOf: (vpc: string) => string = () => config.region): AnalyzerEndpoint[] {
  return config.vpcs.map((vpc) => ({ name: vpc.name, region: regionOf(vpc.name) }));
}
