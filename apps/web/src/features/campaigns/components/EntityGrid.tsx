import {
  CellStyleModule,
  InfiniteRowModelModule,
  ModuleRegistry,
  RowSelectionModule,
  TooltipModule,
  type ColDef,
  type GridApi,
  type IDatasource,
  type SortChangedEvent,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { type Page } from '@loupe/contracts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorState } from '../../../components/States';
import { createBookmarkPager } from './bookmarkDatasource';

// Only what these grids use, so the grid chunk stays as small as AG Grid allows.
ModuleRegistry.registerModules([CellStyleModule, InfiniteRowModelModule, RowSelectionModule, TooltipModule]);

export const GRID_PAGE_SIZE = 100;
const ROW_HEIGHT = 48;
const HEADER_HEIGHT = 48;

export type Order = 'ASCENDING' | 'DESCENDING';

/**
 * Keyboard access to links and buttons inside cells: the grid moves focus cell by cell,
 * so Enter on a cell with a single control (the name link) activates it, and Enter on a
 * cell with several (the row actions) moves focus into the first one; from there Tab
 * and Enter or Space work as on any button.
 */
function activateCellControl(event: Event | null | undefined): void {
  if (!(event instanceof KeyboardEvent) || event.key !== 'Enter') return;
  const target = event.target;
  if (!(target instanceof HTMLElement) || target.closest('a, button') !== null) return;
  const controls = target.querySelectorAll<HTMLElement>('a[href], button:not([disabled])');
  if (controls.length === 1) controls[0]!.click();
  else controls[0]?.focus();
}

interface EntityGridProps<T extends { id: string }> {
  label: string;
  columns: ColDef<T>[];
  /** One page from the API; `order` follows the sort of the "Created" column. */
  fetchPage: (bookmark: string | null, pageSize: number, order: Order) => Promise<Page<T>>;
  /** Changing it (filters) starts again from the first page. */
  resetKey: string;
  selectable: boolean;
  onSelectionChange?: (rows: T[]) => void;
  onTotal?: (total: number | undefined) => void;
  /** Rows known to exist; a short list gets a short grid instead of a tall empty frame. */
  total?: number;
  onApi?: (api: GridApi<T>) => void;
}

/**
 * A grid of campaigns, ad groups or ads on AG Grid's infinite row model: rows arrive
 * page by page through the API's bookmarks as the person scrolls, so accounts with
 * thousands of rows open at once. Sorting is by creation (what the API orders by).
 */
export function EntityGrid<T extends { id: string }>(props: EntityGridProps<T>) {
  const { columns, fetchPage, resetKey, selectable, onSelectionChange, onTotal, onApi, label, total } = props;
  const apiRef = useRef<GridApi<T> | null>(null);
  const [order, setOrder] = useState<Order>('DESCENDING');
  const [error, setError] = useState<unknown>(null);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const datasource = useMemo<IDatasource>(() => {
    const pager = createBookmarkPager<T>((bookmark, size) => fetchRef.current(bookmark, size, order), GRID_PAGE_SIZE);
    return {
      getRows: (params) => {
        setError(null);
        pager.getRows(params).then(
          ({ rows, lastRow }) => {
            params.successCallback(rows, lastRow);
            if (lastRow !== undefined) onTotal?.(lastRow);
          },
          (failure: unknown) => {
            setError(failure);
            params.failCallback();
          },
        );
      },
    };
    // resetKey: new filters need a new pager (bookmarks belong to one query).
  }, [order, resetKey]);

  useEffect(() => {
    onTotal?.(undefined);
    apiRef.current?.deselectAll();
  }, [datasource]);

  const defaultColDef = useMemo<ColDef<T>>(() => ({ sortable: false, resizable: true, suppressHeaderMenuButton: true }), []);
  const onSortChanged = useCallback((event: SortChangedEvent<T>) => {
    const sorted = event.api.getColumnState().find((c) => c.sort);
    setOrder(sorted?.sort === 'asc' ? 'ASCENDING' : 'DESCENDING');
  }, []);

  return (
    <div className="entity-grid">
      {error !== null && (
        <ErrorState title={`Could not load the ${label}`} error={error} onRetry={() => apiRef.current?.refreshInfiniteCache()} />
      )}
      <div
        className="entity-grid__frame"
        role="region"
        aria-label={label}
        style={total !== undefined && total < 10 ? { height: `${HEADER_HEIGHT + Math.max(total, 1) * ROW_HEIGHT + 2}px` } : undefined}
      >
        <AgGridReact<T>
          columnDefs={columns}
          defaultColDef={defaultColDef}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={GRID_PAGE_SIZE}
          maxConcurrentDatasourceRequests={1}
          infiniteInitialRowCount={1}
          getRowId={(params) => params.data.id}
          rowSelection={selectable ? { mode: 'multiRow', headerCheckbox: false } : undefined}
          onSelectionChanged={(event) => onSelectionChange?.(event.api.getSelectedRows())}
          onSortChanged={onSortChanged}
          onCellKeyDown={(event) => activateCellControl(event.event)}
          onGridReady={(event) => {
            apiRef.current = event.api;
            onApi?.(event.api);
          }}
          rowHeight={ROW_HEIGHT}
          headerHeight={HEADER_HEIGHT}
          domLayout="normal"
        />
      </div>
    </div>
  );
}
