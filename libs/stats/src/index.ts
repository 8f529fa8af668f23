export * from './point-scorer';
