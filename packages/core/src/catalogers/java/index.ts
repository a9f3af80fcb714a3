export { javaArchiveCataloger } from './archive-cataloger.js';
export { javaGradleLockfileCataloger } from './gradle-lockfile-cataloger.js';
export { javaJvmCataloger } from './jvm-cataloger.js';
export { javaPomCataloger } from './pom-cataloger.js';
