import { DOCUMENT_SPELLING, SNAKE_CASE_TIMESTAMPS, type CustomerWire } from './domain/customer-wire.js';
import type { ListRules } from './domain/query.js';
import { selectCompat, type SpecModel } from './openapi/index.js';

/** What the code does for the compat options in force; the rest of them only rewrite the document. */
export interface CompatBehaviour {
  readonly rules: ListRules;
  readonly wire: CustomerWire;
}

/**
 * Each document value of an option picks one implementation, and the cases must be exactly the
 * document's values (checked here, at start-up), so neither can gain a value the other lacks.
 */
export function compatBehaviour(spec: SpecModel): CompatBehaviour {
  const { options, settings } = spec.spec.compat;
  const pick = <T>(key: string, cases: Readonly<Record<string, T>>): T => selectCompat(options, settings, key, cases);
  return {
    rules: {
      names: pick<ListRules['names']>('names', { 'first-last': 'first-last', either: 'either' }),
      order: pick<ListRules['order']>('order', { 'newest-first': 'newest-first', 'oldest-first': 'oldest-first' }),
      take: pick<ListRules['take']>('take', { returned: 'returned', requested: 'requested' }),
    },
    wire: pick('timestamps', { camelCase: DOCUMENT_SPELLING, snake_case: SNAKE_CASE_TIMESTAMPS }),
  };
}
