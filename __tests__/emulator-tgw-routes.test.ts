/**
 * The EC2 front's propagated routes (test-support/emulator-tgw-routes.ts), without moto: what moto
 * lists (propagations, VPC blocks) is mocked, and the answer to SearchTransitGatewayRoutes is read
 * back through the SDK's own parser, as reach's live loader reads it.
 */
import {
  DescribeVpcsCommand,
  EC2Client,
  GetTransitGatewayRouteTablePropagationsCommand,
  SearchTransitGatewayRoutesCommand,
  type TransitGatewayRoute,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { withPropagatedRoutes } from "../test-support/emulator-tgw-routes";

const TABLE = "tgw-rtb-0001";
const EMPTY = `<?xml version="1.0" encoding="utf-8"?><SearchTransitGatewayRoutesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><routeSet/><additionalRoutesAvailable>false</additionalRoutesAvailable><requestId>r</requestId></SearchTransitGatewayRoutesResponse>`;
const STATIC = EMPTY.replace(
  "<routeSet/>",
  "<routeSet><item><destinationCidrBlock>10.20.0.0/24</destinationCidrBlock><transitGatewayAttachments/><type>static</type><state>blackhole</state></item></routeSet>",
);

const moto = new EC2Client({ region: "eu-west-1", credentials: { accessKeyId: "k", secretAccessKey: "s" } });
const mock = mockClient(moto);

beforeEach(() => {
  mock.reset();
  mock.on(GetTransitGatewayRouteTablePropagationsCommand).resolves({
    TransitGatewayRouteTablePropagations: [
      { TransitGatewayAttachmentId: "tgw-attach-app", ResourceId: "vpc-app", ResourceType: "vpc", State: "enabled" },
      { TransitGatewayAttachmentId: "tgw-attach-data", ResourceId: "vpc-data", ResourceType: "vpc", State: "enabled" },
      { TransitGatewayAttachmentId: "tgw-attach-off", ResourceId: "vpc-off", ResourceType: "vpc", State: "disabled" },
    ],
  });
  mock.on(DescribeVpcsCommand).resolves({
    Vpcs: [
      {
        VpcId: "vpc-app",
        CidrBlock: "10.20.0.0/24",
        CidrBlockAssociationSet: [
          { CidrBlock: "10.20.0.0/24", CidrBlockState: { State: "associated" } },
          { CidrBlock: "10.21.0.0/24", CidrBlockState: { State: "associated" } },
          { CidrBlock: "10.22.0.0/24", CidrBlockState: { State: "disassociated" } },
        ],
      },
      {
        VpcId: "vpc-data",
        CidrBlock: "10.30.0.0/24",
        CidrBlockAssociationSet: [{ CidrBlock: "10.30.0.0/24", CidrBlockState: { State: "associated" } }],
      },
    ],
  });
});

afterAll(() => mock.restore());

/** The request's query parameters, a state filter first as the live loader sends it. */
function search(...filters: (readonly [string, readonly string[]])[]): URLSearchParams {
  const params = new URLSearchParams({ Action: "SearchTransitGatewayRoutes", TransitGatewayRouteTableId: TABLE });
  [["state", ["active", "blackhole"]] as const, ...filters].forEach(([name, values], n) => {
    params.set(`Filter.${n + 1}.Name`, name);
    values.forEach((v, m) => params.set(`Filter.${n + 1}.Value.${m + 1}`, v));
  });
  return params;
}

/** The routes of an answer as the SDK parses them: "<destination> <type> <state> <attachment>". */
async function parsed(body: string): Promise<string[]> {
  const client = new EC2Client({
    region: "eu-west-1",
    credentials: { accessKeyId: "k", secretAccessKey: "s" },
    requestHandler: {
      handle: async () => ({
        response: { statusCode: 200, headers: { "content-type": "text/xml" }, body: Buffer.from(body) },
      }),
    } as never,
  });
  const out = await client.send(
    new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: TABLE, Filters: [] }),
  );
  return (out.Routes ?? []).map(
    (r: TransitGatewayRoute) =>
      `${r.DestinationCidrBlock} ${r.Type} ${r.State} ${r.TransitGatewayAttachments?.[0]?.TransitGatewayAttachmentId ?? "-"}`,
  );
}

describe("the EC2 front's propagated routes", () => {
  it("adds a route to each associated block of each VPC whose propagation is enabled, through its attachment", async () => {
    const added: string[] = [];
    const body = await withPropagatedRoutes(moto, search(), EMPTY, (d) => added.push(...d));
    expect(await parsed(body)).toEqual([
      "10.20.0.0/24 propagated active tgw-attach-app",
      "10.21.0.0/24 propagated active tgw-attach-app",
      "10.30.0.0/24 propagated active tgw-attach-data",
    ]);
    expect(added).toEqual(["10.20.0.0/24", "10.21.0.0/24", "10.30.0.0/24"]);
  });

  it("adds none where moto lists a static route to the same destination, which takes priority", async () => {
    const body = await withPropagatedRoutes(moto, search(), STATIC, () => undefined);
    expect(await parsed(body)).toEqual([
      "10.20.0.0/24 static blackhole -",
      "10.21.0.0/24 propagated active tgw-attach-app",
      "10.30.0.0/24 propagated active tgw-attach-data",
    ]);
  });

  it.each([
    ["only blackhole routes asked for", search(["state", ["blackhole"]]), []],
    ["only static routes asked for", search(["type", ["static"]]), []],
    ["an exact match", search(["route-search.exact-match", ["10.30.0.0/24"]]), ["10.30.0.0/24"]],
    [
      "the subnets of 10.20.0.0/15",
      search(["route-search.subnet-of-match", ["10.20.0.0/15"]]),
      ["10.20.0.0/24", "10.21.0.0/24"],
    ],
  ])("keeps to the request's filters: %s", async (_what, params, destinations) => {
    const added: string[] = [];
    await withPropagatedRoutes(moto, params, EMPTY, (d) => added.push(...d));
    expect(added).toEqual(destinations);
  });

  it("refuses a filter it does not know rather than answer a search it did not make", async () => {
    await expect(
      withPropagatedRoutes(moto, search(["route-search.longest-prefix-match", ["10.0.0.0/8"]]), EMPTY, () => undefined),
    ).rejects.toThrow(
      "the EC2 front adds no propagated route to a search filtered by route-search.longest-prefix-match",
    );
  });

  it("leaves moto's answer as it is when the table has no enabled propagation", async () => {
    mock.on(GetTransitGatewayRouteTablePropagationsCommand).resolves({ TransitGatewayRouteTablePropagations: [] });
    expect(await withPropagatedRoutes(moto, search(), STATIC, () => undefined)).toBe(STATIC);
  });
});
