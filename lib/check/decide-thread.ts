/**
 * A worker thread of decideInThreads (decide.ts): decides the pairs from its run of source
 * instances on its copy of the model and hands back their verdicts.
 */
import { parentPort, workerData } from "worker_threads";
import { DecideThreadData, decidePairs } from "./decide";

const data = workerData as DecideThreadData;
const codes = decidePairs(data.model, { start: data.start, end: data.end });
parentPort?.postMessage(codes, [codes.buffer as ArrayBuffer]);
