export * from './csv-export';
export * from './csv-checksum';
