export * from './inbound-event';
export * from './outbound-message';
export * from './language';
export * from './plan-item';
export * from './reply';
export * from './understanding';
export * from './intent';
