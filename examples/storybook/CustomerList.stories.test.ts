// What this checks of the Storybook recipe, without starting Storybook: the story's msw handlers
// answer its loader's request (here through msw/node rather than the browser worker), and its
// render turns what was loaded into the list. msw-storybook-addon and Storybook itself are not run.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import meta, { FirstPage } from './CustomerList.stories.js';

const server = setupServer(...meta.parameters.msw.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

it('loads the first page of customers through the story\'s handlers and renders it', async () => {
  const context = { args: FirstPage, loaded: {} };
  const loaded = Object.assign({}, ...(await Promise.all(meta.loaders.map((load) => load(context)))));
  const html = meta.render(FirstPage, { ...context, loaded });
  expect(html.match(/<li>/g)).toHaveLength(5);
  expect(html).toContain('<p>8 customers</p>');
});
