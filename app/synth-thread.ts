/**
 * A worker thread of `synthesize` (app/synth.ts): builds the part of the app its peering
 * stacks need (they reference only `network`) from the config it is given, synthesizes them, and
 * hands back what the main thread needs of them.
 */
import { parentPort, workerData } from "worker_threads";
import { PeeringApp } from "./peering-app";
import { addPeeringShards } from "../stacks";
import { SynthThreadData } from "./synth";

const data = workerData as SynthThreadData;
const app = new PeeringApp(data.app);
addPeeringShards(app, data.config, data.stackIds);
parentPort?.postMessage(app.synthPart(data.stackIds));
