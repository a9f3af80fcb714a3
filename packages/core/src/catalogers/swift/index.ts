export { swiftPackageManagerCataloger } from './package-resolved.js';
export { cocoapodsCataloger } from './podfile-lock.js';
