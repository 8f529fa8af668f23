export * from './tideline-error';
export * from './retry';
