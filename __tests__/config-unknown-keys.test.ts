/**
 * An unknown key in any object of the config is one problem, one line, naming the object's path,
 * the key and the keys that object allows: the root, each VPC and VPN connection, each account,
 * the hub and spoke object and each pair object of `peerings`, Terraform Cloud and the S3 backend.
 */
import { z } from "zod";
import { configSchema } from "../lib/config";
import { defaultWith, problemsOf } from "../test-support/configs";

const vpcA = { name: "a", cidr: "10.0.0.0/24" };
const vpcB = { name: "b", cidr: "10.0.1.0/24" };
const roleArn = "arn:aws:iam::222222222222:role/peering";

/** Each object of the schema: where it is ("[]" an item, "*" a record value), a config with `bogus` in it, the error */
const POSITIONS: readonly (readonly [string, Record<string, unknown>, string])[] = [
  ["", defaultWith({ bogus: 1 }), 'the config has unknown key "bogus": remove it (allowed: $schema, region, maxAzs, '],
  [
    "vpcs[]",
    defaultWith({ vpcs: [vpcA, { ...vpcB, bogus: 1 }] }),
    'vpcs[1] has unknown key "bogus": remove it (allowed: name, cidr, maxAzs, ipv6, secondaryCidrs, vpnConnections, region, account, transitAttachments)',
  ],
  [
    "vpcs[].vpnConnections.*",
    defaultWith({ vpcs: [{ ...vpcA, vpnConnections: { office: { ip: "203.0.113.12", bogus: 1 } } }, vpcB] }),
    'vpcs[0].vpnConnections.office has unknown key "bogus": remove it (allowed: ip, asn, staticRoutes)',
  ],
  [
    "peerings",
    defaultWith({ peerings: { hub: "a", bogus: 1 } }),
    'peerings has unknown key "bogus": remove it (allowed: hub, spokes)',
  ],
  [
    "peerings[]",
    defaultWith({ peerings: [{ vpcs: ["a", "b"], bogus: 1 }] }),
    'peerings[0] has unknown key "bogus": remove it (allowed: vpcs, dnsResolution)',
  ],
  [
    "accounts.*",
    defaultWith({ accounts: { network: { roleArn, bogus: 1 } } }),
    'accounts.network has unknown key "bogus": remove it (allowed: roleArn)',
  ],
  [
    "terraformCloud",
    defaultWith({ terraformCloud: { organization: "acme", bogus: 1 } }),
    'terraformCloud has unknown key "bogus": remove it (allowed: organization, workspacePrefix, hostname)',
  ],
  [
    "backend",
    defaultWith({ backend: { s3: { bucket: "acme-state" }, bogus: 1 } }),
    'backend has unknown key "bogus": remove it (allowed: s3)',
  ],
  [
    "backend.s3",
    defaultWith({ backend: { s3: { bucket: "acme-state", bogus: 1 } } }),
    'backend.s3 has unknown key "bogus": remove it (allowed: bucket, keyPrefix, region, lockfile, dynamodbTable)',
  ],
  [
    "transitGateways[]",
    defaultWith({ transitGateways: [{ name: "hub", segments: [{ name: "all" }], bogus: 1 }] }),
    'transitGateways[0] has unknown key "bogus": remove it (allowed: name, region, amazonSideAsn, account, shareOutsideOrganization, segments, summaryRoutes, routesPerBlock)',
  ],
  [
    "transitGateways[].segments[]",
    defaultWith({ transitGateways: [{ name: "hub", segments: [{ name: "all", bogus: 1 }] }] }),
    'transitGateways[0].segments[0] has unknown key "bogus": remove it (allowed: name, reaches, isolated, routes)',
  ],
  [
    "transitGateways[].segments[].routes[]",
    defaultWith({
      transitGateways: [
        {
          name: "hub",
          segments: [{ name: "all", routes: [{ destination: "10.9.0.0/16", blackhole: true, bogus: 1 }] }],
        },
      ],
    }),
    'transitGateways[0].segments[0].routes[0] has unknown key "bogus": remove it (allowed: destination, vpc, blackhole)',
  ],
  [
    "transitPeerings[]",
    defaultWith({
      transitPeerings: [
        { ...{ requester: { gateway: "a", segment: "s" }, accepter: { gateway: "b", segment: "s" } }, bogus: 1 },
      ],
    }),
    'transitPeerings[0] has unknown key "bogus": remove it (allowed: requester, accepter, segmentPairs)',
  ],
  [
    "transitPeerings[].requester",
    defaultWith({
      transitPeerings: [
        { requester: { gateway: "a", segment: "s", bogus: 1 }, accepter: { gateway: "b", segment: "s" } },
      ],
    }),
    'transitPeerings[0].requester has unknown key "bogus": remove it (allowed: gateway, segment)',
  ],
  [
    "transitPeerings[].accepter",
    defaultWith({
      transitPeerings: [
        { requester: { gateway: "a", segment: "s" }, accepter: { gateway: "b", segment: "s", bogus: 1 } },
      ],
    }),
    'transitPeerings[0].accepter has unknown key "bogus": remove it (allowed: gateway, segment)',
  ],
  [
    "transitPeerings[].segmentPairs[]",
    defaultWith({
      transitPeerings: [
        {
          requester: { gateway: "a" },
          accepter: { gateway: "b" },
          segmentPairs: [{ requester: "s", accepter: "s", bogus: 1 }],
        },
      ],
    }),
    'transitPeerings[0].segmentPairs[0] has unknown key "bogus": remove it (allowed: requester, accepter)',
  ],
];

/** Where the schema has an object, found by walking it as the message code does. */
function objectPositions(schema: z.core.$ZodType, at: string, found: Set<string>): void {
  const def = schema._zod.def;
  if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "readonly") {
    objectPositions((def as z.core.$ZodOptionalDef).innerType, at, found);
  } else if (def.type === "pipe") {
    objectPositions((def as z.core.$ZodPipeDef).in, at, found);
  } else if (def.type === "union") {
    for (const option of (def as z.core.$ZodUnionDef).options) objectPositions(option, at, found);
  } else if (def.type === "array") {
    objectPositions((def as z.core.$ZodArrayDef).element, `${at}[]`, found);
  } else if (def.type === "tuple") {
    for (const item of (def as z.core.$ZodTupleDef).items) objectPositions(item, `${at}[]`, found);
  } else if (def.type === "record") {
    objectPositions((def as z.core.$ZodRecordDef).valueType, `${at}.*`, found);
  } else if (def.type === "object") {
    found.add(at);
    for (const [key, value] of Object.entries((def as z.core.$ZodObjectDef).shape))
      objectPositions(value, at ? `${at}.${key}` : key, found);
  }
}

describe("an unknown key", () => {
  it("has a row below for every object position of the schema", () => {
    const found = new Set<string>();
    objectPositions(configSchema, "", found);
    expect(POSITIONS.map(([at]) => at).sort()).toEqual([...found].sort());
  });

  it.each(POSITIONS)(
    "at %p is one one-line problem naming the path, the key and the allowed keys",
    (_, raw, problem) => {
      const problems = problemsOf(raw);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(problem);
      expect(problems[0]).not.toContain("\n");
    },
  );

  it("names every unknown key of one object in one problem", () => {
    expect(problemsOf(defaultWith({ peerings: { hub: "a", spokes: ["b"], bogus: 1, extra: 2 } }))).toEqual([
      'peerings has unknown keys "bogus", "extra": remove them (allowed: hub, spokes)',
    ]);
  });
});
