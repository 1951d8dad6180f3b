import { describe, expect, it } from 'vitest';
import { urlHost } from './webhooks.js';

describe('urlHost', () => {
  it('names the host only: a path or query may carry a token', () => {
    expect(urlHost('https://hooks.example.com:8443/inject?token=abc123')).toBe('hooks.example.com:8443');
    expect(urlHost('not a url/secret-token')).toBe('an unparsable URL');
  });
});
