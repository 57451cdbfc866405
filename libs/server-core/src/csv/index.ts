export * from './csv-export';
export * from './csv-checksum';
export * from './metric-columns';
export * from './csv-sql';
export * from './csv-stream';
