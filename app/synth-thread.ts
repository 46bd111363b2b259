/**
 * A worker thread of `synthesize` (app/synth.ts): builds the part of the app its stacks need
 * from the config it is given (the network stacks, its stacks, and the core transit stack of transit cells),
 * synthesizes them, and hands back what the main thread needs of them.
 */
import { parentPort, workerData } from "worker_threads";
import { PeeringApp } from "./peering-app";
import { addStacksFor } from "../stacks";
import { SynthThreadData } from "./synth";

const data = workerData as SynthThreadData;
const app = new PeeringApp(data.app);
addStacksFor(app, data.config, data.stackIds);
parentPort?.postMessage(app.synthPart(data.stackIds));
