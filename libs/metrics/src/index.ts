export * from './exact';
export * from './measures';
export * from './metrics';
export * from './catalog';
export * from './format';
export * from './period';
export * from './dashboard-columns';
