import { App } from "cdktf";
import { loadConfig } from "./lib/config";
import { addPeeringStacks } from "./stacks";

const config = loadConfig();
const app = new App();
addPeeringStacks(app, config);
app.synth();
