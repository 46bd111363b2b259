/**
 * Input written to turn the tools' output against its reader: terminal escapes, bidi overrides,
 * invisible characters, characters XML forbids, markup, quotes and very long text, in the places a
 * Terraform JSON document lets anyone put text (stack names, Name tags).
 */
import type { StackDocument } from "../../lib/reach";
import { addVpc, peer, type Tf } from "../reach/terraform";

/** Hostile strings, each a name or tag someone could write. */
export const HOSTILE = {
  escape: "a\u001b]0;owned\u0007\u001b[2J\u001b[31mred",
  bidi: "evil\u202etxt.exe\u2066x\u2069\u200e\u061c",
  invisible: "zero\u200bwidth\ufeff\u00ad",
  newline: "first\nsecond\r\u2028third",
  c1: "c1\u0085\u009b31m",
  nul: "nul\u0000byte",
  xml: "x\u0001\ufffe\uffff\ud800y",
  markup: '<table href="javascript:alert(1)"><tr><td>x</td></tr></table>',
  quotes: `"'\\"&amp;`,
} as const;

/** Any character a terminal could act on, or that hides itself, left raw (line feeds and tabs allowed). */
export const RAW_UNSAFE = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Noncharacter_Code_Point}]/u;

/** Two VPCs peered, their instances tagged `name`, in a stack called `stack` (eu-west-1). */
export function hostileStack(stack: string, name: string): Tf {
  const tf: Tf = {
    "//": { metadata: { stackName: stack, backend: "local" } },
    provider: { aws: [{ region: "eu-west-1" }] },
    resource: {},
  };
  addVpc(tf, "a", 1);
  addVpc(tf, "b", 2);
  peer(tf, "a", "b", [1, 2]);
  for (const type of ["aws_vpc", "aws_subnet", "aws_instance", "aws_vpc_peering_connection"]) {
    for (const [key, body] of Object.entries(tf.resource[type] ?? {})) body.tags = { Name: `${name}-${key}` };
  }
  return tf;
}

/** The documents of two hostile stacks, as reach reads them. */
export function hostileDocuments(first: string, second: string, name: string): StackDocument[] {
  return [first, second].map((stack, i) => ({ stack, file: `stack-${i}.tf.json`, json: hostileStack(stack, name) }));
}
