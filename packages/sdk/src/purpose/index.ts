export { currentProcessing, runProcessing, setCurrentPurpose } from './context.js';
export type { Processing } from './context.js';
export { ATTRIBUTES, decisionAttributes, recordDecisionTelemetry } from './telemetry.js';
