export { rubyGemfileCataloger } from './gemfile-lock.js';
export { rubyInstalledGemspecCataloger } from './gemspec.js';
