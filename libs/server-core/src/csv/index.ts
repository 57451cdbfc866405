export * from './csv-export';
export * from './csv-checksum';
export * from './metric-columns';
