import { inject } from 'vitest';
import { createKit, type ContractKit } from '#contract-kit';

/**
 * The server under test, as the CLI provided it. Suite files share a worker's module cache, so
 * the document is compiled once per worker and the kit's memory of an unanswering server is too.
 */
export const kit: ContractKit = await createKit(inject('contract'), inject('contractRun'));
