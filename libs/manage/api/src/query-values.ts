import { REPOSITORY_CATEGORIES } from '@swr/contracts';
import { z } from 'zod';

/** Query values arrive as text; these read them strictly. */
export const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
export const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const orderType = z.enum(['asc', 'desc']);
/** `arms` is how the Go SDK spells `arm`. */
export const category = z.enum([...REPOSITORY_CATEGORIES, 'arms']).transform((c) => (c === 'arms' ? 'arm' : c));
export const together = (a: string, b: string) => (q: Record<string, unknown>) => (q[a] === undefined) === (q[b] === undefined);
export const togetherMessage = (a: string, b: string) => ({ message: `${a} and ${b} go together` });

export const limitOffset = { limit: whole(1, 1000).optional(), offset: whole(0, 1_000_000_000).optional() };
