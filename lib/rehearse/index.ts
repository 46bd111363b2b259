/**
 * rehearse: reach's model rebuilt in Linux network namespaces — one per VPC's routing, veth pairs for
 * subnets and peerings, nftables for security groups and network ACLs — and pinged for real, pair by
 * pair, to hold reach's verdicts against packets (`npm run rehearse`, scripts/rehearse.ts). Imports the
 * core and reach.
 */
export { main as rehearseCommand } from "./cli";
export { rehearse, type Rehearsal } from "./rehearse";
