import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Ec2NetworkInsightsAnalysis } from "@cdktf/provider-aws/lib/ec2-network-insights-analysis";
import { Ec2NetworkInsightsPath } from "@cdktf/provider-aws/lib/ec2-network-insights-path";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { peersOf } from "../lib/config";
import { ANALYZER_PROBE_PORT, analyzerEndpoints, analyzerPairs } from "../lib/constructs/reachability-analyzer";
import { ipv4Blocks } from "../lib/config/shape-checks";
import { cidrId } from "../lib/plan/vpc-cidr";
import { AppStackProps, PeeringStackBase } from "./base";
import { PingInstance } from "../lib/constructs/ping-instance";

/** Properties of the reachability stack. */
export interface ReachabilityStackProps extends AppStackProps {
  /** The instances to analyse by VPC name: those of the instances stack, or of all its cells. */
  readonly instances: { readonly instances: ReadonlyMap<string, PingInstance> };
  /** Stacks to deploy before this one: the instances stack and every peering stack. */
  readonly after: readonly TerraformStack[];
}

/**
 * AWS Reachability Analyzer over the deployed network: for every ordered pair of instances in the
 * same region a network insights path (TCP to ANALYZER_PROBE_PORT, which this stack admits from
 * the peers' blocks like the instances' ICMP rule) and an analysis whose postcondition fails the
 * apply when AWS's verdict differs from the config: peered pairs must have a path, others none.
 */
export class ReachabilityAnalyzerStack extends PeeringStackBase {
  /** The analyses by "from_to" VPC names. */
  readonly analyses = new Map<string, Ec2NetworkInsightsAnalysis>();
  /** The paths by "from_to" VPC names. */
  readonly paths = new Map<string, Ec2NetworkInsightsPath>();
  /** The probe rules by "vpc_peer" names, "vpc_peer-<block>" for a peer's secondary blocks. */
  readonly probeRules = new Map<string, VpcSecurityGroupIngressRule>();

  constructor(scope: Construct, id: string, props: ReachabilityStackProps) {
    super(scope, id, props);
    const { config, instances } = props;
    for (const stack of props.after) this.addDependency(stack);

    for (const vpc of config.vpcs) {
      const handle = instances.instances.get(vpc.name);
      if (!handle)
        throw new Error(`ReachabilityAnalyzerStack: the instances stack has no instance for VPC "${vpc.name}"`);
      for (const peer of peersOf(config, vpc.name)) {
        // The same IPv4 blocks the instance's ICMP rules admit: the peer's primary and secondary blocks.
        for (const cidr of ipv4Blocks(peer)) {
          const suffix = cidr === peer.cidr ? "" : `-${cidrId(cidr)}`;
          this.probeRules.set(
            `${vpc.name}_${peer.name}${suffix}`,
            new VpcSecurityGroupIngressRule(this, `probe-${vpc.name}_${peer.name}${suffix}`, {
              provider: this.providers.ofVpc(vpc.name),
              securityGroupId: handle.securityGroup.id,
              description: `Reachability Analyzer probe (TCP ${ANALYZER_PROBE_PORT}) from ${peer.name}${suffix ? ` (${cidr})` : ""}`,
              ipProtocol: "tcp",
              fromPort: ANALYZER_PROBE_PORT,
              toPort: ANALYZER_PROBE_PORT,
              cidrIpv4: cidr,
            }),
          );
        }
      }
    }
    const rules = [...this.probeRules.values()];
    for (const pair of analyzerPairs(config, analyzerEndpoints(config))) {
      const key = `${pair.from}_${pair.to}`;
      const provider = this.providers.ofVpc(pair.from);
      const path = new Ec2NetworkInsightsPath(this, `path-${key}`, {
        provider,
        source: instances.instances.get(pair.from)!.instance.id,
        destination: instances.instances.get(pair.to)!.instance.id,
        protocol: "tcp",
        destinationPort: ANALYZER_PROBE_PORT,
        tags: { Name: `${pair.from}-to-${pair.to}` },
      });
      const want = pair.pathFound;
      const analysis = new Ec2NetworkInsightsAnalysis(this, `analysis-${key}`, {
        provider,
        networkInsightsPathId: path.id,
        waitForCompletion: true,
        tags: { Name: `${pair.from}-to-${pair.to}` },
        dependsOn: rules,
        lifecycle: {
          postcondition: [
            {
              condition: `\${self.path_found == ${want}}`,
              errorMessage: want
                ? `Reachability Analyzer finds no path from ${pair.from} to ${pair.to}, but the config peers them: see this analysis's explanations in the VPC console`
                : `Reachability Analyzer finds a path from ${pair.from} to ${pair.to}, but the config does not peer them`,
            },
          ],
        },
      });
      this.paths.set(key, path);
      this.analyses.set(key, analysis);
    }
    new TerraformOutput(this, "analyses", {
      description: 'Path found by Reachability Analyzer, by "from_to" VPC names',
      value: Object.fromEntries([...this.analyses].map(([key, a]) => [key, a.pathFound])),
    });
  }
}
