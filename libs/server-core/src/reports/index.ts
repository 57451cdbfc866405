export * from './local-day-zones';
export * from './local-time';
export * from './measure-store';
export * from './pinterest-report';
export * from './report-files';
