import { DeployedInstance, INSTANCES_STACK } from "./outputs";
import { Expected, pairKey } from "./results";

/** One of reach's predictions, as this tool reads it: from/to are Terraform addresses like "instances/aws_instance.a_instance_ABCD1234". */
export interface PredictedPair {
  readonly from: string;
  readonly to: string;
  readonly protocol?: string;
  readonly reachable: boolean | "depends";
}

/**
 * reach's predictions as expectations keyed by pairKey(from VPC, to VPC). Addresses are matched with
 * the instances' addresses, prefixed by their stack or bare; only IPv4 predictions count (ping uses
 * IPv4), and predictions that disagree for one pair make it "depends".
 */
export function expectationsFrom(
  pairs: readonly PredictedPair[],
  instances: readonly DeployedInstance[],
  stack = INSTANCES_STACK,
): Map<string, Expected> {
  const nameOf = new Map(
    instances.flatMap((i) => [[`${i.stack ?? stack}/${i.address}`, i.name] as const, [i.address, i.name] as const]),
  );
  const expectations = new Map<string, Expected>();
  for (const p of pairs) {
    const from = nameOf.get(p.from);
    const to = nameOf.get(p.to);
    if (from === undefined || to === undefined || from === to || (p.protocol ?? "ipv4") !== "ipv4") continue;
    const key = pairKey(from, to);
    const before = expectations.get(key);
    expectations.set(key, before === undefined || before === p.reachable ? p.reachable : "depends");
  }
  return expectations;
}
