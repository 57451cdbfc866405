import { CellStyleModule, ClientSideRowModelModule, ModuleRegistry, PinnedRowModule, RowStyleModule, type ColDef } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useMemo } from 'react';
import { type ReportResponse } from '@loupe/contracts';
import { DIMENSION_LABELS, METRIC_LABELS } from '../definition';
import { dimensionText, formatReportCell, totalsRows, type ReportRow } from '../format';

// The rows of a report are loaded page by page from the builder and handed to the grid;
// totals (one per currency) are pinned under them.
ModuleRegistry.registerModules([CellStyleModule, ClientSideRowModelModule, PinnedRowModule, RowStyleModule]);

const ROW_HEIGHT = 40;

function headerOf(name: string): string {
  if (name === 'currency') return 'Currency';
  if (name.endsWith('_id')) {
    const dimension = name.slice(0, -3) as keyof typeof DIMENSION_LABELS;
    if (dimension in DIMENSION_LABELS) return DIMENSION_LABELS[dimension];
  }
  if (name in DIMENSION_LABELS) return DIMENSION_LABELS[name as keyof typeof DIMENSION_LABELS];
  if (name in METRIC_LABELS) return METRIC_LABELS[name as keyof typeof METRIC_LABELS];
  return name;
}

export function ReportGrid({ response, rows, accountNames }: { response: ReportResponse; rows: ReportRow[]; accountNames: ReadonlyMap<string, string> }) {
  const columns = useMemo<ColDef<ReportRow>[]>(
    () =>
      response.columns.map((column) => ({
        colId: column.name,
        headerName: headerOf(column.name),
        field: column.name,
        pinned: column.role === 'dimension' && column.name !== 'currency' && column === response.columns[0] ? 'left' : undefined,
        minWidth: column.role === 'dimension' ? 140 : 110,
        flex: 1,
        type: column.role === 'metric' ? 'rightAligned' : undefined,
        valueFormatter: (params) => {
          const value = params.data?.[column.name];
          if (column.role === 'dimension') return column.name === 'currency' ? String(value ?? '') : params.node?.rowPinned ? String(value ?? '') : dimensionText(column.name, value, accountNames);
          return formatReportCell(column, value, String(params.data?.currency ?? ''));
        },
      })),
    [response.columns, accountNames],
  );
  const pinned = useMemo(() => totalsRows(response, accountNames), [response, accountNames]);
  const visible = Math.min(rows.length + pinned.length, 14);
  return (
    <div className="report-grid" role="region" aria-label="Report rows" style={{ height: `${48 + Math.max(visible, 2) * ROW_HEIGHT + 4}px` }}>
      <AgGridReact<ReportRow>
        columnDefs={columns}
        rowData={rows}
        pinnedBottomRowData={pinned}
        defaultColDef={{ sortable: false, resizable: true, suppressHeaderMenuButton: true }}
        rowHeight={ROW_HEIGHT}
        headerHeight={48}
        getRowClass={(params) => (params.node.rowPinned ? 'report-grid__totals' : undefined)}
        suppressColumnVirtualisation
      />
    </div>
  );
}
