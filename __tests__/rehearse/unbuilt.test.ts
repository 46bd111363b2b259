/**
 * rehearse never builds a network without a part of the model and reports the difference as reach's: a model
 * field it does not build is refused by name (exit 2) before anything is built, so these run without root.
 */
import { type Model, buildModel, loadTerraform } from "../../lib/reach";
import { segmented } from "../../test-support/transit";
import { RehearseInputError } from "../../lib/rehearse/errors";
import { checkPairs, rehearse } from "../../lib/rehearse/rehearse";
import { unbuiltParts } from "../../lib/rehearse/unbuilt";

const THREE_VPCS = "__tests__/fixtures/reach/two-stacks";

/** The model with a field reach might grow and rehearse does not know. */
function withUnknownField(model: Model, value: unknown): Model {
  return { ...model, prefixLists: value } as Model;
}

describe("what rehearse does not build", () => {
  const model = loadTerraform([THREE_VPCS]);

  it("is nothing for a network of VPCs, peerings, groups and ACLs", () => {
    expect(unbuiltParts(model)).toEqual([]);
  });

  it.each([
    { what: "a non-empty map", value: new Map([["pl-1", {}]]), refused: true },
    { what: "a non-empty list", value: [{}], refused: true },
    { what: "an empty map", value: new Map(), refused: false },
    { what: "an object of empty lists", value: { entries: [] }, refused: false },
  ])("names a field it does not know when it holds $what", ({ value, refused }) => {
    expect(unbuiltParts(withUnknownField(model, value))).toEqual(refused ? ["prefixLists"] : []);
  });

  it("refuses such a model before building anything, as unusable input (exit 2)", async () => {
    const odd = withUnknownField(model, [{}]);
    expect(() => checkPairs(odd)).toThrow(RehearseInputError);
    await expect(rehearse(odd)).rejects.toThrow(
      /^cannot rehearse this network: it has prefixLists, which rehearse does not build/,
    );
  });
});

describe("transit gateways", () => {
  it("are built, so a network with them is not refused for them", () => {
    const model = buildModel([{ stack: "test", file: "test.tf.json", json: segmented() }]);
    expect(model.transit?.gateways.size).toBe(1);
    expect(unbuiltParts(model)).toEqual([]);
  });
});
