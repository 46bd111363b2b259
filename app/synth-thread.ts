/**
 * A worker thread of `synthesize` (app/synth.ts): builds the part of the app its stacks need
 * from the config it is given (the network stacks, its stacks, and the core transit stack of transit
 * cells), or with `mirror` the whole app, synthesizes its stacks, and hands back what the main
 * thread needs of them.
 */
import { parentPort, workerData } from "worker_threads";
import { PeeringApp } from "./peering-app";
import { addAppStacks, addStacksFor } from "../stacks";
import { SynthThreadData } from "./synth";

const data = workerData as SynthThreadData;
const app = new PeeringApp(data.app);
if (data.mirror) {
  addAppStacks(app, data.config);
  parentPort?.postMessage(app.synthMirror(data.stackIds, data.unprepared));
} else {
  addStacksFor(app, data.config, data.stackIds);
  parentPort?.postMessage(app.synthPart(data.stackIds));
}
