/**
 * @loupe/auction — the pure ad-auction engine: eligibility, scoring, ranking and
 * generalized-second-price pricing (DESIGN.md §4). No Nest, no I/O, randomness and
 * time injected by the caller; lint forbids imports of Node built-ins and clients.
 */
export * from './auction';
export * from './quality';
export * from './pacing';
export * from './reserve';
export * from './targeting-match';
export * from './audience-size';
export * from './random';
export * from './audience-index';
