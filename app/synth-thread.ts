/**
 * A worker thread of `synthesize` (app/synth.ts): builds, from the config it is given, the network
 * stacks and its peering shards, or with `mirror` the whole app; synthesizes its stacks; and hands
 * back what the main thread needs of them.
 */
import { parentPort, workerData } from "worker_threads";
import { PeeringApp } from "./peering-app";
import { addAppStacks, addPeeringShards } from "../stacks";
import { SynthThreadData } from "./synth";

const data = workerData as SynthThreadData;
const app = new PeeringApp(data.app);
if (data.mirror) {
  addAppStacks(app, data.config);
  parentPort?.postMessage(app.synthMirror(data.stackIds, data.unprepared));
} else {
  addPeeringShards(app, data.config, data.stackIds);
  parentPort?.postMessage(app.synthPart(data.stackIds));
}
