// Turns zod validation issues into one readable sentence for problem documents and CLI errors.
import type { z } from 'zod';

export interface FieldIssue {
  path: string;
  message: string;
}

export function fieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    let message = i.message;
    if (i.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
    if (i.code === 'unrecognized_keys') message = `unknown field(s): ${i.keys.join(', ')}`;
    return { path: path || '(root)', message };
  });
}

export function describeIssues(issues: FieldIssue[], max = 5): string {
  const shown = issues.slice(0, max).map((i) => `${i.path}: ${i.message}`);
  if (issues.length > max) shown.push(`and ${issues.length - max} more`);
  return shown.join('; ');
}
