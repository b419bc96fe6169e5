import { z } from 'zod';

/**
 * The envelope every list-returning tool shares: the items, how many exist (null when unknown), how many were
 * returned, whether the list was cut, a cursor to continue, a hint when the list is empty or cut, an optional
 * summary over everything that matched, and per-part errors when only part of the answer could be read.
 */
export function listOutputSchema<Item extends z.ZodType, Summary extends z.ZodType>(
  item: Item,
  summary: Summary,
): z.ZodObject<{
  items: z.ZodArray<Item>;
  total: z.ZodNullable<z.ZodNumber>;
  returned: z.ZodNumber;
  truncated: z.ZodBoolean;
  continue: z.ZodOptional<z.ZodString>;
  hint: z.ZodOptional<z.ZodString>;
  summary: Summary;
  errors: z.ZodOptional<z.ZodArray<z.ZodObject<{ part: z.ZodString; error: z.ZodString }>>>;
}> {
  return z.object({
    items: z.array(item),
    total: z.number().int().nullable(),
    returned: z.number().int(),
    truncated: z.boolean(),
    continue: z.string().optional(),
    hint: z.string().optional(),
    summary,
    errors: z.array(z.object({ part: z.string(), error: z.string() })).optional(),
  });
}

export interface ListResult<Item, Summary> {
  items: Item[];
  total: number | null;
  returned: number;
  truncated: boolean;
  continue?: string;
  hint?: string;
  summary: Summary;
  errors?: { part: string; error: string }[];
}

export interface ListInput<Item, Summary> {
  items: Item[];
  /** How many exist in all, when known. */
  total: number | null;
  summary: Summary;
  /** Set when more items exist than were returned. */
  truncated?: boolean;
  continue?: string;
  /** Tool-specific advice; a generic one is used when the list is empty or cut and none is given. */
  hint?: string;
  /** What to suggest when the result is empty (e.g. "try status: all"). */
  emptyHint?: string;
  errors?: { part: string; error: string }[];
}

/** Builds the shared list envelope, adding a hint when the list is empty or cut. */
export function listResult<Item, Summary>(input: ListInput<Item, Summary>): ListResult<Item, Summary> {
  const truncated = input.truncated ?? (input.total !== null && input.total > input.items.length);
  let hint = input.hint;
  if (!hint && input.items.length === 0) hint = input.emptyHint ?? 'Nothing matched; loosen the filters.';
  if (!hint && truncated) {
    const of = input.total !== null ? ` of ${input.total}` : '';
    hint = input.continue
      ? `Showing ${input.items.length}${of}; pass continue to get the next page, or narrow the filters.`
      : `Showing ${input.items.length}${of}; narrow the filters or raise limit to see more.`;
  }
  const out: ListResult<Item, Summary> = {
    items: input.items,
    total: input.total,
    returned: input.items.length,
    truncated,
    summary: input.summary,
  };
  if (input.continue) out.continue = input.continue;
  if (hint) out.hint = hint;
  if (input.errors && input.errors.length > 0) out.errors = input.errors;
  return out;
}
