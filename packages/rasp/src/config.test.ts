import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('rasp configuration', () => {
  it('reads the mode for every rule, and stops on a mode or a webhook it cannot use', () => {
    expect(loadConfig({ SEKISHO_RASP_MODE: 'block' }).rules['ssrf']).toBe('block');
    expect(() => loadConfig({ SEKISHO_RASP_MODE: 'loud' })).toThrow(/off, report or block/);
    expect(loadConfig({ SEKISHO_RASP_WEBHOOK: 'https://alerts.example.com/rasp' }).events.webhook).toBe('https://alerts.example.com/rasp');
    expect(() => loadConfig({ SEKISHO_RASP_WEBHOOK: 'not a url' })).toThrow(/not a URL/);
    expect(() => loadConfig({ SEKISHO_RASP_WEBHOOK: 'file:///etc/passwd' })).toThrow(/http or https/);
  });
});
