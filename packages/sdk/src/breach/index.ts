export { BREACH_KINDS, InMemoryBreachSink } from './report.js';
export type { BreachKind, BreachReport, BreachSink } from './report.js';
