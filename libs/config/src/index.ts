export * from './defaults';
export * from './sections';
export * from './apps';
export * from './config-error';
export * from './env-mapping';
export * from './load-config';
export * from './alert-rules';
export * from './schema-introspection';
