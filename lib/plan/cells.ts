/**
 * Which "cell" holds each VPC of a large network. A network of at most MAX_UNSPLIT_VPCS VPCs, and
 * no `networkCells` in its config, keeps its VPCs in the stacks `network`, `instances` and `transit`.
 * A larger one, or one whose config sets `networkCells`, is split into that many cells (default
 * DEFAULT_NETWORK_CELLS): each VPC, its instance and its transit gateway attachments live in the
 * stacks `network-<cell>`, `instances-<cell>` and `transit-<cell>`. A VPC's cell is a hash of its
 * name alone, so adding or removing a VPC never moves another between stacks (Terraform would
 * destroy and recreate it). Only the first split, and a change of `networkCells`, move VPCs.
 */
import { PEERING_QUOTA } from "../core/aws-limits";
import { fnv1a } from "./peering-shards";

/** Most VPCs one network, instances or transit cell stack holds: about 2,600 network resources at 2 AZs, a plan of about 13 s. */
export const MAX_VPCS_PER_STACK = 100;
/**
 * Most VPCs a network keeps in single stacks unless its config sets networkCells: the largest full
 * mesh AWS's peering quota allows (126 VPCs, 125 peerings each). Every network that could be built
 * before transit gateways keeps its stacks, and its network stack (about 3,300 resources at 2 AZs)
 * still plans in about 13 s.
 */
export const MAX_UNSPLIT_VPCS = PEERING_QUOTA.max + 1;
/** How many cells a network of more than MAX_UNSPLIT_VPCS VPCs is split into unless its config says otherwise. */
export const DEFAULT_NETWORK_CELLS = 16;
/** Most cells a config may ask for: cell ids stay two digits, 00 to 99. */
export const MAX_NETWORK_CELLS = 100;

/** What the cell plan reads from a config. */
export interface CellInput {
  /** The VPCs, by name. */
  readonly vpcs: readonly { readonly name: string }[];
  /**
   * How many cells to split the network into.
   * @default - none while the VPCs fit one stack, else DEFAULT_NETWORK_CELLS
   */
  readonly networkCells?: number;
}

/** One cell and its VPCs. */
export interface CellPlan {
  /** The cell's two-digit id, the suffix of its stacks' names: "07". */
  readonly id: string;
  /** Names of its VPCs, in config order. */
  readonly vpcs: readonly string[];
}

/** How many cells the network of `input` is split into, or 0 when it is not split. */
export function cellCount(input: CellInput): number {
  if (input.networkCells !== undefined) return input.networkCells;
  return input.vpcs.length > MAX_UNSPLIT_VPCS ? DEFAULT_NETWORK_CELLS : 0;
}

/** The cell (0 to cells − 1) of the VPC `name`, from its name alone. */
export function cellOf(name: string, cells: number): number {
  return fnv1a(name) % cells;
}

/** The stack name of cell `cell` of the stacks named `prefix`: "network-07". */
export function cellStackId(prefix: string, cell: string): string {
  return `${prefix}-${cell}`;
}

/**
 * The cells of a network, empty ones too (so that a cell whose last VPC is removed still gets
 * deployed, and its resources destroyed), or an empty list when the network is not split.
 */
export function planCells(input: CellInput): CellPlan[] {
  const count = cellCount(input);
  const cells = Array.from({ length: count }, (_, cell) => ({
    id: String(cell).padStart(2, "0"),
    vpcs: [] as string[],
  }));
  for (const { name } of input.vpcs) cells[cellOf(name, count)]?.vpcs.push(name);
  return cells;
}

/**
 * Problems with the plan: the cells that would hold more than MAX_VPCS_PER_STACK VPCs, with the
 * fewest cells that would fit, when any do (an empty list when every cell fits).
 */
export function checkCells(input: CellInput): string[] {
  const fullest = (cells: readonly CellPlan[]) => Math.max(0, ...cells.map((c) => c.vpcs.length));
  const plan = planCells(input);
  const over = plan.filter((c) => c.vpcs.length > MAX_VPCS_PER_STACK);
  if (over.length === 0) return [];
  const count = plan.length;
  let fits: number | undefined;
  for (let n = count + 1; n <= MAX_NETWORK_CELLS && fits === undefined; n++)
    if (fullest(planCells({ ...input, networkCells: n })) <= MAX_VPCS_PER_STACK) fits = n;
  const value = input.networkCells === undefined ? `unset (${DEFAULT_NETWORK_CELLS} cells)` : String(count);
  const fix =
    fits === undefined
      ? `no count up to ${MAX_NETWORK_CELLS} fits: split the VPCs into several configs`
      : `set "networkCells" to ${fits}, the fewest cells that fit (it moves VPCs between stacks: do that before the first deploy)`;
  const top = over.reduce((a, b) => (b.vpcs.length > a.vpcs.length ? b : a));
  return [
    `networkCells is ${value}: ${over.length} of the ${count} cells would hold more than ${MAX_VPCS_PER_STACK} VPCs (the fullest, ${top.id}, ${top.vpcs.length}): ${fix}`,
  ];
}
