/**
 * @loupe/auction — the pure ad-auction engine: eligibility, scoring, ranking and
 * generalized-second-price pricing (DESIGN.md §4). No Nest, no I/O, randomness and
 * time injected by the caller; lint forbids imports of Node built-ins and clients.
 *
 * The engine lands with the ad-serving issue; this module fixes its place and rules.
 */
export const MICROS_PER_UNIT = 1_000_000n;
