/** @module The in-process circuit breakers against the shared contract (circuit-breaker-suite.ts). */
import { memoryCircuitBreakers } from './circuit-breaker.js';
import { runCircuitBreakerSuite } from './circuit-breaker-suite.js';

runCircuitBreakerSuite('memoryCircuitBreakers', memoryCircuitBreakers);
