/**
 * A worker thread of `synthesize` (app/synth.ts): builds the part of the app its stacks need
 * from the config it is given (peering shards reference only `network`; otherwise the whole app),
 * synthesizes them, and hands back what the main thread needs of them.
 */
import { parentPort, workerData } from "worker_threads";
import { PeeringApp } from "./peering-app";
import { addAppStacks, addPeeringShards } from "../stacks";
import { SynthThreadData } from "./synth";

const data = workerData as SynthThreadData;
const app = new PeeringApp(data.app);
if (data.wholeApp) addAppStacks(app, data.config);
else addPeeringShards(app, data.config, data.stackIds);
parentPort?.postMessage(app.synthPart(data.stackIds));
