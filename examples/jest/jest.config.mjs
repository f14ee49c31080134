// ES modules as they are: no transform, Node's own environment (msw/node intercepts its fetch).
export default {
  testEnvironment: 'node',
  transform: {},
};
