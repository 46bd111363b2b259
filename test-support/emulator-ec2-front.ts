/**
 * A front for the emulator's EC2 Query API that mends four transit gateway faults of moto 5.2.1, so
 * that Terraform can apply and destroy the transit stack as it does on AWS. Every request goes to
 * moto unchanged; around four actions the front makes extra calls to moto or mends its answer:
 *
 * - CreateTransitGatewayVpcAttachment: moto associates every new VPC attachment with its gateway's
 *   default route table even when the gateway has `DefaultRouteTableAssociation = disable` (AWS
 *   does not), and then fails (HTTP 500, a KeyError) to disassociate it, which the AWS provider
 *   retries until it times out. After moto created the attachment, the front associates it with
 *   that table through moto's own AssociateTransitGatewayRouteTable (which records it where the
 *   disassociation looks) and disassociates it, leaving the attachment as AWS leaves it.
 *   moto also drops the attachment's tags (it reads them from the request's tag specification for
 *   route tables), so the next plan would add them again: the front puts the request's
 *   `transit-gateway-attachment` tags on the attachment with CreateTags.
 * - DisableTransitGatewayRouteTablePropagation: moto keeps one propagation per attachment, so
 *   disabling the second of an attachment's propagations fails (HTTP 500, a KeyError). The front
 *   enables the same propagation first, which moto records again, then forwards the request.
 * - DescribeTransitGatewayVpcAttachments: moto forgets a deleted attachment at once, where AWS lists
 *   it as `deleted` for a while, and the AWS provider waits for that state until it times out. The
 *   front keeps what moto answered to DeleteTransitGatewayVpcAttachment and lists it, `deleted`,
 *   when a request names its id and moto lists nothing.
 *
 * Nothing else is changed: what moto does not do (propagated routes in SearchTransitGatewayRoutes)
 * stays undone, and the tests say so, unless the front is started with `propagatedRoutes`: then it
 * adds to each SearchTransitGatewayRoutes answer the routes the table's propagations would install on
 * AWS (emulator-tgw-routes.ts), which is AWS's documented behaviour as the harness models it, not
 * moto's.
 */
import * as http from "http";
import {
  AssociateTransitGatewayRouteTableCommand,
  CreateTagsCommand,
  DescribeTransitGatewaysCommand,
  DisassociateTransitGatewayRouteTableCommand,
  EC2Client,
  EnableTransitGatewayRouteTablePropagationCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { isLoopbackHost } from "./emulator";
import { withPropagatedRoutes } from "./emulator-tgw-routes";
import { startLoopbackServer } from "./loopback-server";

/** A running EC2 front. */
export interface Ec2Front {
  /** e.g. "http://127.0.0.1:41236" */
  readonly endpoint: string;
  /** What the front mended, in order: "<action> <id>". */
  readonly mended: readonly string[];
  close(): Promise<void>;
}

/** Choices of the front beyond mending moto's faults. */
export interface Ec2FrontOptions {
  /**
   * Add the propagated routes AWS would install to every SearchTransitGatewayRoutes answer (moto installs none).
   * @default false
   */
  readonly propagatedRoutes?: boolean;
}

/** Starts the front for the emulator at `target`; `moto` is an EC2 client straight to the emulator. */
export async function startEc2Front(target: string, moto: EC2Client, options: Ec2FrontOptions = {}): Promise<Ec2Front> {
  const upstream = new URL(target);
  if (!isLoopbackHost(upstream.hostname))
    throw new Error(`the EC2 front forwards only to loopback addresses, not ${target}`);
  const mended: string[] = [];
  /** The `<item>` of each attachment deleted through the front, as moto described it when deleting it. */
  const deletedAttachments = new Map<string, string>();
  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      up.on("error", reject);
      up.end(body);
    });
  const before = async (params: URLSearchParams): Promise<void> => {
    if (params.get("Action") !== "DisableTransitGatewayRouteTablePropagation") return;
    const TransitGatewayAttachmentId = params.get("TransitGatewayAttachmentId") ?? undefined;
    const TransitGatewayRouteTableId = params.get("TransitGatewayRouteTableId") ?? undefined;
    await moto.send(
      new EnableTransitGatewayRouteTablePropagationCommand({ TransitGatewayAttachmentId, TransitGatewayRouteTableId }),
    );
    mended.push(`DisableTransitGatewayRouteTablePropagation ${TransitGatewayAttachmentId}`);
  };
  /** moto's answer, or the listing of attachments deleted through the front that moto no longer lists. */
  const deleted = (params: URLSearchParams, status: number, body: string): string => {
    const action = params.get("Action");
    if (status !== 200) return body;
    if (action === "DeleteTransitGatewayVpcAttachment") {
      const item = /<transitGatewayVpcAttachment>([\s\S]*)<\/transitGatewayVpcAttachment>/.exec(body)?.[1];
      const id = item && /<transitGatewayAttachmentId>([^<]+)</.exec(item)?.[1];
      if (item && id) deletedAttachments.set(id, item);
      return body;
    }
    if (action !== "DescribeTransitGatewayVpcAttachments" || !body.includes("<transitGatewayVpcAttachments/>"))
      return body;
    const asked = [...params.entries()].filter(([k]) => k.startsWith("TransitGatewayAttachmentIds.")).map(([, v]) => v);
    const items = asked.flatMap((id) => {
      const item = deletedAttachments.get(id);
      return item ? [`<item>${item}</item>`] : [];
    });
    if (items.length === 0) return body;
    mended.push(`DescribeTransitGatewayVpcAttachments ${asked.join(" ")}`);
    return body.replace(
      "<transitGatewayVpcAttachments/>",
      `<transitGatewayVpcAttachments>${items.join("")}</transitGatewayVpcAttachments>`,
    );
  };
  const after = async (params: URLSearchParams, status: number, body: string): Promise<void> => {
    if (params.get("Action") !== "CreateTransitGatewayVpcAttachment" || status !== 200) return;
    const attachment = /<transitGatewayAttachmentId>([^<]+)</.exec(body)?.[1];
    const tags = requestedTags(params, "transit-gateway-attachment");
    if (attachment && tags.length > 0) {
      await moto.send(new CreateTagsCommand({ Resources: [attachment], Tags: tags }));
      mended.push(`CreateTransitGatewayVpcAttachment tags ${attachment}`);
    }
    const gatewayId = params.get("TransitGatewayId") ?? undefined;
    const gateway = (
      await moto.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: gatewayId ? [gatewayId] : [] }))
    ).TransitGateways?.[0];
    const table = gateway?.Options?.AssociationDefaultRouteTableId;
    if (!attachment || !table || gateway?.Options?.DefaultRouteTableAssociation !== "disable") return;
    const ids = { TransitGatewayAttachmentId: attachment, TransitGatewayRouteTableId: table };
    await moto.send(new AssociateTransitGatewayRouteTableCommand(ids));
    await moto.send(new DisassociateTransitGatewayRouteTableCommand(ids));
    mended.push(`CreateTransitGatewayVpcAttachment ${attachment}`);
  };
  const front = await startLoopbackServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString());
      (async () => {
        await before(params);
        const answer = await forward(req, body);
        const text = answer.body.toString();
        await after(params, answer.status, text);
        const out =
          options.propagatedRoutes && answer.status === 200 && params.get("Action") === "SearchTransitGatewayRoutes"
            ? await withPropagatedRoutes(moto, params, text, (added) =>
                mended.push(
                  `SearchTransitGatewayRoutes ${params.get("TransitGatewayRouteTableId")} ${added.join(" ")}`,
                ),
              )
            : deleted(params, answer.status, text);
        if (out === text) {
          res.writeHead(answer.status, answer.headers).end(answer.body);
          return;
        }
        const { "content-length": _length, ...headers } = answer.headers;
        res.writeHead(answer.status, { ...headers, "content-length": Buffer.byteLength(out) }).end(out);
      })().catch((e: unknown) =>
        res.writeHead(502, { "content-type": "text/plain" }).end(`EC2 front: ${(e as Error).message}\n`),
      );
    });
  });
  return { endpoint: front.url, mended, close: front.close };
}

/** The tags a request's TagSpecifications.N (the parameter of CreateTransitGatewayVpcAttachment) gives resources of `type`. */
function requestedTags(params: URLSearchParams, type: string): Tag[] {
  const tags: Tag[] = [];
  for (let n = 1; params.has(`TagSpecifications.${n}.ResourceType`); n++) {
    if (params.get(`TagSpecifications.${n}.ResourceType`) !== type) continue;
    for (let m = 1; params.has(`TagSpecifications.${n}.Tag.${m}.Key`); m++)
      tags.push({
        Key: params.get(`TagSpecifications.${n}.Tag.${m}.Key`) ?? "",
        Value: params.get(`TagSpecifications.${n}.Tag.${m}.Value`) ?? "",
      });
  }
  return tags;
}
