import type { Context } from 'hono';
import type { Application, Applications } from '../tenancy/applications.js';
import { HttpError } from './errors.js';
import { requestHeaders } from './request-headers.js';
import type { Step } from './pipeline.js';

export interface Credentials {
  readonly clientKey: string;
  readonly clientSecret: string;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The application the request's credentials authenticate as; unset when they authenticate as none. */
    application: Application | undefined;
  }
}

/**
 * Finds the application the credentials authenticate as, for every request (the request log and
 * the rate limit need it, not only the API), before anything can refuse it.
 */
export function identifyCaller(applications: Applications): Step {
  return (c, next) => {
    const headers = requestHeaders(c);
    const application = applications.authenticate(headers['x-client-key'], headers['x-client-secret']);
    if (application) c.set('application', application);
    return next();
  };
}

/** Both headers must be present and name one application; which one failed is not said, so nothing leaks. */
export const requireCredentials: Step = (c, next) => {
  if (!c.get('application')) throw new HttpError(401, 'Invalid API credentials');
  return next();
};

/** The caller of a request that passed `requireCredentials`. */
export function authenticatedApplication(c: Context): Application {
  const application = c.get('application');
  if (!application) throw new Error('A handler ran for a request that did not authenticate');
  return application;
}
