/**
 * `npm run test:terraform`: a mesh far past the default quotas still passes `terraform validate`
 * (provider from the local mirror, offline).
 */
import { parseConfig } from "../lib/config";
import { manyVpcs } from "../test-support/configs";
import { proveWithTerraform } from "../test-support/terraform";

describe("Terraform, offline,", () => {
  it(
    "validates a 62-VPC full mesh whose security groups need 61 inbound rules once rulesPerSecurityGroup allows 1000",
    async () => {
      // One peering stack (5,673 resources) rather than 16 shards: three stacks to validate instead of 18.
      const config = parseConfig({
        vpcs: manyVpcs(62),
        peerings: "full-mesh",
        peeringQuota: 125,
        rulesPerSecurityGroup: 1000,
        maxPeeringStackResources: 6000,
        routesPerRouteTable: 125,
      });
      const proofs = await proveWithTerraform(config, "json", { test: false });
      expect(proofs.map((p) => p.stack).sort()).toEqual(["instances", "network", "peering"]);
    },
    15 * 60 * 1000,
  );
});
