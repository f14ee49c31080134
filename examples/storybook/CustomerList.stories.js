// Recipe: a Storybook story (CSF, HTML renderer) whose data comes from customers-mock through msw.
// With msw-storybook-addon's loader in .storybook/preview.js (the one beside this file), the handlers in
// `parameters.msw` answer the story's requests in the browser.
import { customersHandlers } from 'customers-mock/msw';

const credentials = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };

export default {
  title: 'Customers/CustomerList',
  parameters: { msw: { handlers: await customersHandlers({ count: 8 }) } },
  loaders: [
    async () => {
      const response = await fetch('https://api.devdraft.ai/api/v0/customers?take=5', { headers: credentials });
      return { customers: await response.json() };
    },
  ],
  render: (_args, { loaded }) =>
    `<ul>${loaded.customers.data.map((customer) => `<li>${customer.first_name} ${customer.last_name} (${customer.status})</li>`).join('')}</ul>` +
    `<p>${loaded.customers.total} customers</p>`,
};

export const FirstPage = {};
