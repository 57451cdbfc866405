import { isRouteErrorResponse, useRouteError } from 'react-router';
import { errorMessage } from '../lib/apiErrors';

/** Shown when a screen throws while rendering, or its code cannot be downloaded (e.g. after a new deploy). */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : errorMessage(error);
  return (
    <section aria-labelledby="route-error-title" className="page">
      <title>Error · Loupe</title>
      <h1 id="route-error-title">This page failed to load</h1>
      <div role="alert" className="callout callout--error">
        <p>{detail}</p>
      </div>
      <p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>
      </p>
    </section>
  );
}
