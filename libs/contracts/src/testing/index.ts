export * from './hostile-records';
export * from './judged-point';
