export { wordpressPluginsCataloger } from './plugin-header.js';
