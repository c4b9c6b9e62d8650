import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { DEFAULT_RETENTION, parseRetentionRules } from './retention-rules.ts';

describe('RETENTION_DAYS', () => {
  it('defaults to spam 30, lost 365, won 1095 and 730 days for the rest', () => {
    expect(loadConfig({}).RETENTION_DAYS).toEqual({ spam: 30, lost: 365, won: 1095, default: 730 });
    expect(parseRetentionRules(DEFAULT_RETENTION)).toEqual({
      ok: true,
      rules: { spam: 30, lost: 365, won: 1095, default: 730 },
    });
  });

  it('reads a custom list with spaces', () => {
    expect(loadConfig({ RETENTION_DAYS: ' spam: 7 , default:90 ' }).RETENTION_DAYS).toEqual({ spam: 7, default: 90 });
  });

  it.each([
    ['spam:30', /default:<days>/],
    ['spam:30,default:x', /not status:days/],
    ['junk:30,default:90', /"junk" is not a lead status/],
    ['spam:0,default:90', /at least 1 day/],
    ['spam:1,spam:2,default:3', /named twice/],
  ])('refuses %s with a message naming RETENTION_DAYS', (value, reason) => {
    expect(() => loadConfig({ RETENTION_DAYS: value })).toThrow(/RETENTION_DAYS/);
    expect(() => loadConfig({ RETENTION_DAYS: value })).toThrow(reason);
  });
});
