export * from './matrix/index.js';
export * from './model/report.js';
export { version } from './version.js';
