export * from './audit';
export * from './common';
export * from './errors';
export * from './health';
export * from './identity';
export * from './pinterest-enums';
