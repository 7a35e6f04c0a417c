export { dpaGuard } from './middleware.js';
export type { DpaGuardMiddleware } from './middleware.js';
export type { DpaGuardOptions } from './options.js';
export { problem, sendProblem, PROBLEM_BASE } from './problem.js';
export type { Problem } from './problem.js';
export { dpaErrorHandler } from './error-handler.js';
