import { readChoices } from './choices.js';
import { RULE_IDS } from './contract-facts.generated.js';
import type { OpenApiDocument } from './document.js';
import { HTTP_METHODS } from './operations.js';

/** A rule's stable id, e.g. `list.take.bounds`: the ids the document lists in its `x-rules`. */
export type RuleId = (typeof RULE_IDS)[number];

/** The platform's own rule, or one of the document's choices (`x-choices`), which a deployment may do otherwise. */
export type Provenance = 'documented' | 'choice';

/**
 * One rule of the document (an entry of an `x-rules` list): what the contract kit probes and
 * reports on, and what the validation proxy judges traffic by.
 */
export interface Rule {
  readonly id: RuleId;
  readonly provenance: Provenance;
  /** The `x-choices` entry that governs the rule, for a choice. */
  readonly choice: string | undefined;
  /** The rule in words, as the document writes it (once, there). */
  readonly text: string;
  /** Where the rule is written: a JSON pointer into the document as written (`` for the document's own). */
  readonly at: string;
  /** The operations it applies to. */
  readonly operationIds: readonly string[];
}

/** The tag of the API's own operations: the document-level rules are theirs (not the admin endpoints'). */
const API_TAG = 'Customers';

/**
 * Every `x-rules` entry of the document, in document order, checked: each has an id, a text and a
 * provenance that is `documented` or names an entry of `x-choices`; ids are unique. A rule on an
 * operation applies to it; on a component, to every operation that refers to the component; on
 * the document itself, to every operation of the API (the `Customers` tag).
 */
export function rulesOf(document: OpenApiDocument): Rule[] {
  const choices = new Set(readChoices(document, false).map((c) => c.id));
  const operations = operationsOf(document);
  const rules: Rule[] = [];
  const seen = new Set<string>();
  for (const { at, entries } of ruleLists(document)) {
    const applies = at === '' ? operations.filter((o) => o.tags.includes(API_TAG)).map((o) => o.operationId) : operations.filter((o) => o.at === at || o.refs.has(at)).map((o) => o.operationId);
    for (const [index, entry] of entries.entries()) {
      const where = `${at || '/'}/x-rules/${index}`;
      if (!isRecord(entry)) throw new Error(`${where} is not a map`);
      const { id, provenance, text } = entry;
      if (typeof id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+$/.test(id)) throw new Error(`${where}.id must be a dotted kebab-case id, got ${JSON.stringify(id)}`);
      if (seen.has(id)) throw new Error(`${where}: rule ${id} is listed twice`);
      seen.add(id);
      if (typeof text !== 'string' || text.trim() === '') throw new Error(`${where} (${id}).text must be a non-empty string`);
      if (provenance !== 'documented' && !(typeof provenance === 'string' && choices.has(provenance))) {
        throw new Error(`${where} (${id}).provenance must be documented or the id of an x-choices entry, got ${JSON.stringify(provenance)}`);
      }
      if (applies.length === 0) throw new Error(`${where} (${id}) applies to no operation`);
      rules.push({
        id: id as RuleId,
        provenance: provenance === 'documented' ? 'documented' : 'choice',
        choice: provenance === 'documented' ? undefined : provenance,
        text: text.trim(),
        at,
        operationIds: applies,
      });
    }
  }
  return rules;
}

/** The rules by id; throws on an id the document does not list, so a renamed rule fails loudly. */
export function ruleCatalogue(document: OpenApiDocument): { readonly rules: readonly Rule[]; rule(id: string): Rule } {
  const rules = rulesOf(document);
  const byId = new Map<string, Rule>(rules.map((r) => [r.id, r]));
  return {
    rules,
    rule(id) {
      const found = byId.get(id);
      if (!found) throw new Error(`The OpenAPI document lists no rule "${id}" (x-rules)`);
      return found;
    },
  };
}

/**
 * The document with each operation's rules (those written on it or on the components it uses)
 * added to its description, and the document's own rules to `info.description`: how `/docs`
 * shows them beside what they govern.
 */
export function withRulesInDescriptions(document: OpenApiDocument): OpenApiDocument {
  const rules = rulesOf(document);
  const list = (of: readonly Rule[]) => of.map((r) => `- \`${r.id}\` (${r.choice ? `choice \`${r.choice}\`` : 'documented'}): ${r.text}`).join('\n');
  const copy = structuredClone(document);
  for (const item of Object.values(copy.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation?.operationId) continue;
      const own = rules.filter((r) => r.at !== '' && r.operationIds.includes(operation.operationId!));
      if (own.length > 0) operation.description = `${(operation.description ?? '').trimEnd()}\n\n**Rules** (what the contract kit checks):\n${list(own)}\n`;
    }
  }
  const general = rules.filter((r) => r.at === '');
  if (general.length > 0) copy.info.description = `${(copy.info.description ?? '').trimEnd()}\n\n## Rules of every operation\n${list(general)}\n`;
  return copy;
}

/** Every `x-rules` list outside `x-choices`, with the JSON pointer of the node it sits on. */
function ruleLists(document: OpenApiDocument): Array<{ at: string; entries: unknown[] }> {
  const lists: Array<{ at: string; entries: unknown[] }> = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((child, index) => walk(child, `${at}/${index}`));
    if (!isRecord(node)) return;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'x-rules') {
        if (!Array.isArray(child)) throw new Error(`${at || '/'}/x-rules is not a list`);
        lists.push({ at, entries: child });
      } else if (!(at === '' && key === 'x-choices')) walk(child, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(document, '');
  return lists;
}

/** Each operation of the document as written, with the pointers of every component it refers to, through other components too. */
function operationsOf(document: OpenApiDocument): Array<{ operationId: string; at: string; tags: readonly string[]; refs: ReadonlySet<string> }> {
  const refsOf = (node: unknown, into: Set<string>): Set<string> => {
    if (Array.isArray(node)) node.forEach((child) => refsOf(child, into));
    else if (isRecord(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (key === '$ref' && typeof child === 'string' && child.startsWith('#/') && !into.has(child.slice(1))) {
          into.add(child.slice(1));
          refsOf(resolve(document, child.slice(1)), into);
        } else refsOf(child, into);
      }
    }
    return into;
  };
  const operations = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const shared = refsOf(item.parameters ?? [], new Set());
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation?.operationId) continue;
      const at = `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;
      operations.push({ operationId: operation.operationId, at, tags: operation.tags ?? [], refs: refsOf(operation, new Set(shared)) });
    }
  }
  return operations;
}

function resolve(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of pointer.split('/').slice(1)) {
    if (!isRecord(node)) return undefined;
    node = node[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
