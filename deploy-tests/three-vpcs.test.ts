import { THREE_VPCS_CONFIG } from "../test-support/configs";
import { rehearseDeploy } from "./suite";

rehearseDeploy({
  name: "examples/three-vpcs.json (local state)",
  slug: "three-vpcs",
  config: THREE_VPCS_CONFIG,
  packets: true,
});
