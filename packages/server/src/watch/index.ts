export * from './notifications.js';
export * from './poll.js';
