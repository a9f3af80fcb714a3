export { erlangOtpApplicationCataloger } from './otp-app.js';
export { erlangRebarLockCataloger } from './rebar-lock.js';
