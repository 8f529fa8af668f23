export * from './hostile-records';
