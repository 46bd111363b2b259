/**
 * `cost --compare` of peering against a transit gateway: the config's VPCs rebuilt as a full mesh of
 * peerings and as one transit gateway ("hub") with one segment ("all") where all reach each other,
 * each synthesized into a temporary directory and estimated; lib/cost/transit-compare.ts compares.
 */
import { configFromBytes, DEFAULT_CONFIG, parseConfig, readConfigSource, type PeeringConfig } from "../lib/config";
import { parseJsonBytes } from "../lib/core/json-input";
import { jsonResources } from "../lib/core/terraform-json";
import {
  CostInputError,
  estimate,
  formatTransitComparison,
  LARGEST_MESH,
  perAttachmentGb,
  priceTable,
  type ComparedNetwork,
} from "../lib/cost";
import { buildModel, readDocuments } from "../lib/reach";
import { configSource, withSynthesizedApp } from "../app/synth-input";

/** Quota keys at AWS's ceilings, so that both networks synthesize and the table can say which quotas they pass. */
const CEILINGS = { peeringQuota: 125, rulesPerSecurityGroup: 1000, routesPerRouteTable: 1000 } as const;

/** The two variants of a raw config's VPCs: a full mesh and one transit gateway, with no other connection. */
export function variants(raw: Record<string, unknown>): {
  mesh: Record<string, unknown>;
  transit: Record<string, unknown>;
} {
  const { transitGateways: _gateways, peerings: _peerings, ...rest } = raw;
  const vpcs = (Array.isArray(raw.vpcs) ? raw.vpcs : []).map((v: Record<string, unknown>) => {
    const { transitAttachments: _attachments, ...vpc } = v;
    return vpc;
  });
  return {
    mesh: { ...rest, ...CEILINGS, vpcs, peerings: "full-mesh" },
    transit: {
      ...rest,
      ...CEILINGS,
      vpcs: vpcs.map((v) => ({ ...v, transitAttachments: { hub: "all" } })),
      peerings: [],
      transitGateways: [{ name: "hub", segments: [{ name: "all" }] }],
    },
  };
}

/** A config read once (PEERING_CONFIG may be a pipe): resolved, and as raw JSON for its variants. */
export interface ReadConfig {
  readonly config: PeeringConfig;
  readonly raw: Record<string, unknown>;
  /** The file's name for messages, or "built-in default". */
  readonly name: string;
}

/** PEERING_CONFIG (or the built-in default), read once; throws ConfigError. */
export function readConfig(env = process.env): ReadConfig {
  const source = readConfigSource(env);
  if (!source)
    return {
      config: parseConfig(DEFAULT_CONFIG, "built-in default"),
      raw: DEFAULT_CONFIG as unknown as Record<string, unknown>,
      name: "built-in default",
    };
  const config = configFromBytes(source.bytes, source.name);
  const parsed = parseJsonBytes(source.bytes);
  return { config, raw: ("problems" in parsed ? {} : parsed.value) as Record<string, unknown>, name: source.name };
}

/** The comparison's text for a config; throws ConfigError or CostInputError. */
export function compareTransit(
  { config, raw, name }: ReadConfig,
  gb: number,
  defaultRegion: string | undefined,
  env = process.env,
): string {
  const regions = [...new Set(config.vpcs.map((v) => v.region))];
  if (regions.length > 1) {
    throw new CostInputError(
      `--compare against a transit gateway takes VPCs of one region (a transit gateway attaches the VPCs of its own region), and these are in ${regions.join(", ")}: compare one region's VPCs at a time`,
    );
  }
  const n = config.vpcs.length;
  const { mesh, transit } = variants(raw);
  const run = (variant: Record<string, unknown>, tgwGb: number): ComparedNetwork => {
    const resolved: PeeringConfig = parseConfig(variant, name);
    return withSynthesizedApp(resolved, (outdir) => {
      const documents = readDocuments([outdir]);
      const model = buildModel(documents);
      return {
        built: true,
        model,
        resources: jsonResources(documents).length,
        estimate: estimate(documents, model, { gb, tgwGb, prices: (region) => priceTable(region), defaultRegion }),
      };
    });
  };
  const meshSide: ComparedNetwork =
    n > LARGEST_MESH
      ? {
          built: false,
          reason: `${n} VPCs would need ${n - 1} peerings each, past AWS's most of ${LARGEST_MESH - 1} per VPC`,
        }
      : run(mesh, 0);
  const transitSide = run(transit, perAttachmentGb(n, gb));
  return formatTransitComparison(configSource(env), n, gb, priceTable(regions[0]), meshSide, transitSide);
}
