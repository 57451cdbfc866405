// MeasureStore lives in @loupe/server-core so the worker's async reports read exactly as the API does.
export { MeasureStore, type MeasureQuery, type MeasureRow } from '@loupe/server-core';
