import { FULL_MESH_CONFIG } from "../test-support/configs";
import { rehearseDeploy } from "./suite";

rehearseDeploy({
  name: "examples/full-mesh.json (local state)",
  slug: "full-mesh",
  config: FULL_MESH_CONFIG,
  packets: true,
});
