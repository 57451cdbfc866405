/**
 * @loupe/simulator — the marketplace model (docs/simulator.md): a population of
 * people with interests and demographics, traffic curves per placement, engagement and
 * conversion propensities driven by how well an ad matches a person, conversion
 * values and delays, search queries, and the advertiser catalog. Pure: no I/O, and all
 * randomness comes from seeded generators, so a seed reproduces a whole run.
 */
export * from './random';
export * from './sha256';
export * from './vocabulary';
export * from './population';
export * from './traffic';
export * from './search';
export * from './targeting';
export * from './conversions';
export * from './engagement';
export * from './advertisers';
export * from './requests';
export * from './live';
export * from './backfill';
