// The crossfork wire contract, in one place: schemas, canonical JSON, signatures, hardware classes.
export * from './limits.ts';
export * from './canonical.ts';
export * from './record.schema.ts';
export * from './envelope.schema.ts';
export * from './envelope.ts';
export * from './issues.ts';
export * from './ssh-keys.ts';
export * from './sshsig.ts';
export * from './hardware-class.ts';
export * from './api.schema.ts';
export * from './claim.schema.ts';
export * from './key.schema.ts';
