export * from './point-scorer';
export * from './normal-tail';
export * from './tideline-detector';
export * from './create-tideline-detector';
export * from './windowed-gaussian';
