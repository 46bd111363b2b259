import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { initFrom, runTerraformSync, terraformTools } from "../../test-support/terraform";
import { allFixtures, peeredGateways, peeringRoutes, segmented, tgwRoute, twoOnHub } from "../../test-support/transit";
import { transitRefusalFixtures } from "../../test-support/transit-refusals";

jest.setTimeout(300_000);

it("writes transit gateway fixtures that terraform validate accepts with aws provider 5.100.0", async () => {
  const { mirror } = terraformTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reach-tgw-"));
  try {
    const fixtures = [
      segmented(),
      twoOnHub({ ipv6: true, attachIpv6: true }),
      peeringRoutes(peeredGateways()),
      tgwRoute(
        twoOnHub(),
        "hole",
        "aws_ec2_transit_gateway.hub.association_default_route_table_id",
        "10.2.0.0/16",
        undefined,
      ),
      ...transitRefusalFixtures().map(([, doc]) => doc),
    ];
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(allFixtures(fixtures), null, 2));
    const init = await initFrom(dir, mirror);
    expect(init.output).toContain("Terraform has been successfully initialized");
    expect(runTerraformSync(["validate"], dir).output).toContain("The configuration is valid");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
