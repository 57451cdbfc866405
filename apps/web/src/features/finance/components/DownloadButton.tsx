import { useState } from 'react';
import { errorMessage } from '../../../lib/apiErrors';
import { downloadCsv } from '../api';

/** Downloads one of the API's CSVs; says while it runs, and shows the API's message if it is refused. */
export function DownloadButton({ path, fallbackName, label }: { path: string; fallbackName: string; label: string }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: string | null }>({ busy: false, error: null, saved: null });
  return (
    <span className="download">
      <button
        type="button"
        className="button button--small"
        disabled={state.busy}
        onClick={() => {
          setState({ busy: true, error: null, saved: null });
          downloadCsv(path, fallbackName).then(
            (saved) => setState({ busy: false, error: null, saved }),
            (error: unknown) => setState({ busy: false, error: errorMessage(error), saved: null }),
          );
        }}
      >
        {state.busy ? 'Preparing…' : label}
      </button>
      <span role="status" className="visually-hidden">
        {state.saved ? `Downloaded ${state.saved}` : ''}
      </span>
      {state.error && (
        <span role="alert" className="field__error">
          {state.error}
        </span>
      )}
    </span>
  );
}
