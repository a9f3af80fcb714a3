export { appleAppBundleCataloger } from './info-plist.js';
