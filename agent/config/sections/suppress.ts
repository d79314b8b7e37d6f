import { z } from 'zod';

const isoDay = z
  .union([z.string(), z.date()])
  .transform((value, ctx) => {
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)) || new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) !== text) {
      ctx.addIssue({ code: 'custom', message: 'a date YYYY-MM-DD' });
      return z.NEVER;
    }
    return text;
  });

export const suppressionEntry = z.strictObject({
  check: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a check id (kebab-case)').describe('Check id (runner-warden checks)'),
  subject: z.string().min(1).default('*').describe('Glob over the finding subject id: * any run of characters, ? one'),
  reason: z.string().trim().min(1, 'a non-empty reason').describe('Why the risk is accepted (required; shown with the finding)'),
  expires: isoDay.optional().describe('Last day (YYYY-MM-DD) the suppression works; after it the finding is reported again'),
});

export const suppressSection = z.array(suppressionEntry).default([]);
