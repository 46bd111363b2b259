import { DEFAULT_CONFIG } from "../lib/config";
import { rehearseDeploy } from "./suite";

rehearseDeploy({ name: "the default config (local state)", slug: "default", config: DEFAULT_CONFIG, packets: true });
