import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  adAccountIdParamSchema,
  reportResponseSchema,
  savedReportCreateSchema,
  savedReportIdParamSchema,
  savedReportListSchema,
  savedReportRunBodySchema,
  savedReportSchema,
  savedReportUpdateSchema,
  type ReportResponse,
  type SavedReport,
  type SavedReportCreate,
  type SavedReportUpdate,
} from '@loupe/contracts';
import type { Principal } from '../auth/token.service';
import { CurrentAdAccount, CurrentPrincipal, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { SavedReportsService } from './saved-reports.service';

const VISIBILITY =
  'Visible to its owner, to the members in `shared_with_user_ids` and, with `shared_with_account`, to every member who may read analytics; ' +
  'others get 404. Whoever sees it may run, rename, redefine and delete it; only the owner changes whom it is shared with.';

@Controller('v5/ad_accounts/:ad_account_id/saved_reports')
export class SavedReportsController {
  constructor(private readonly saved: SavedReportsService) {}

  @Post()
  @Route({
    summary: 'Save a report',
    description: `A report builder question (the body of POST /v5/reports/query without paging) kept on this ad account. Its ad_account_ids must include this account and may name others the caller can read analytics on. ${VISIBILITY}`,
    tag: 'reports',
    access: adAccount('analytics:read'),
    rate: 'write',
    extension: true,
    params: adAccountIdParamSchema,
    body: savedReportCreateSchema,
    response: savedReportSchema,
  })
  create(@CurrentAdAccount() scope: AdAccountScope, @CurrentPrincipal() principal: Principal, @Body() body: SavedReportCreate): Promise<SavedReport> {
    return this.saved.create(scope, principal.userId, body);
  }

  @Get()
  @Route({
    summary: 'List saved reports',
    description: `The saved reports of this ad account the caller can see, oldest first. ${VISIBILITY}`,
    tag: 'reports',
    access: adAccount('analytics:read'),
    rate: 'read',
    extension: true,
    params: adAccountIdParamSchema,
    response: savedReportListSchema,
  })
  list(@CurrentAdAccount() scope: AdAccountScope, @CurrentPrincipal() principal: Principal): Promise<{ items: SavedReport[] }> {
    return this.saved.list(scope, principal.userId);
  }

  @Get(':saved_report_id')
  @Route({
    summary: 'Get a saved report',
    description: VISIBILITY,
    tag: 'reports',
    access: adAccount('analytics:read'),
    rate: 'read',
    extension: true,
    params: savedReportIdParamSchema,
    response: savedReportSchema,
  })
  get(@CurrentAdAccount() scope: AdAccountScope, @CurrentPrincipal() principal: Principal, @Param('saved_report_id') id: string): Promise<SavedReport> {
    return this.saved.get(scope, principal.userId, id);
  }

  @Patch(':saved_report_id')
  @Route({
    summary: 'Update a saved report',
    description: `Rename, redefine or (owner only, else 403) reshare. ${VISIBILITY}`,
    tag: 'reports',
    access: adAccount('analytics:read'),
    rate: 'write',
    extension: true,
    params: savedReportIdParamSchema,
    body: savedReportUpdateSchema,
    response: savedReportSchema,
  })
  update(
    @CurrentAdAccount() scope: AdAccountScope,
    @CurrentPrincipal() principal: Principal,
    @Param('saved_report_id') id: string,
    @Body() body: SavedReportUpdate,
  ): Promise<SavedReport> {
    return this.saved.update(scope, principal.userId, id, body);
  }

  @Delete(':saved_report_id')
  @HttpCode(204)
  @Route({
    summary: 'Delete a saved report',
    description: VISIBILITY,
    tag: 'reports',
    access: adAccount('analytics:read'),
    rate: 'write',
    extension: true,
    status: 204,
    params: savedReportIdParamSchema,
  })
  async remove(@CurrentAdAccount() scope: AdAccountScope, @CurrentPrincipal() principal: Principal, @Param('saved_report_id') id: string): Promise<void> {
    await this.saved.remove(scope, principal.userId, id);
  }

  @Post(':saved_report_id/run')
  @HttpCode(200)
  @Route({
    summary: 'Run a saved report',
    description: 'Answers as POST /v5/reports/query for the saved question. The caller needs analytics access to every ad account it names (404/403 naming the others).',
    tag: 'reports',
    access: adAccount('analytics:read'),
    rate: 'read',
    extension: true,
    params: savedReportIdParamSchema,
    body: savedReportRunBodySchema,
    response: reportResponseSchema,
  })
  run(
    @CurrentAdAccount() scope: AdAccountScope,
    @CurrentPrincipal() principal: Principal,
    @Param('saved_report_id') id: string,
    @Body() body: { page_size: number; bookmark?: string },
  ): Promise<ReportResponse> {
    return this.saved.run(scope, principal.userId, id, { pageSize: body.page_size, bookmark: body.bookmark });
  }
}
