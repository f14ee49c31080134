// Storybook's preview of the recipe: msw-storybook-addon starts msw's browser worker, and its
// loader applies each story's `parameters.msw` handlers before the story loads its data.
import { initialize, mswLoader } from 'msw-storybook-addon';

initialize({ onUnhandledRequest: 'error' });
export default { loaders: [mswLoader] };
