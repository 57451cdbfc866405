import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  adAccountIdParamSchema,
  asyncReportCreateResponseSchema,
  asyncReportCreateSchema,
  asyncReportGetResponseSchema,
  asyncReportQuerySchema,
  reportFileParamSchema,
  reportQueryBodySchema,
  reportResponseSchema,
  type AsyncReportCreate,
  type AsyncReportGetResponse,
  type ReportQueryBody,
  type ReportResponse,
} from '@loupe/contracts';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '../auth/token.service';
import { CurrentAdAccount, CurrentPrincipal, type AdAccountScope } from '../auth/request-context';
import { adAccount, PUBLIC, Route, SIGNED_IN } from '../common/route.decorator';
import { AsyncReportsService } from './async-reports.service';
import { reportAccounts } from './report-access';
import { ReportBuilderService } from './report-builder.service';

@Controller('v5')
export class ReportsController {
  constructor(
    private readonly builder: ReportBuilderService,
    private readonly asyncReports: AsyncReportsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Post('reports/query')
  @HttpCode(200)
  @Route({
    summary: 'Run a report (report builder)',
    description:
      'Dimensions (ad_account, campaign, ad_group, ad, one of date/week/month/quarter cut in each account\'s timezone, placement, age_bucket, gender, location, device, interest) × Loupe metrics × filters × local dates, ' +
      'over every ad account in `ad_account_ids` (the caller needs analytics access to each: 404 names unknown ones, 403 those the role does not allow). ' +
      'Rows carry `currency`: money is in integer micros of the row\'s account currency and currencies are never summed; `totals` has one row per currency ' +
      '(base measures summed over all rows, then metrics). Sorted and paginated on the server (`bookmark`). See docs/reports.md.',
    tag: 'reports',
    access: SIGNED_IN,
    rate: 'read',
    extension: true,
    body: reportQueryBodySchema,
    response: reportResponseSchema,
  })
  async query(@CurrentPrincipal() principal: Principal, @Body() body: ReportQueryBody): Promise<ReportResponse> {
    const accounts = await reportAccounts(this.dataSource, principal.userId, body.ad_account_ids);
    const { page_size, bookmark, ...definition } = body;
    return this.builder.run(accounts, definition, { pageSize: page_size, bookmark });
  }

  @Post('ad_accounts/:ad_account_id/reports')
  @HttpCode(200)
  @Route({
    summary: 'Create async request for an account analytics report',
    description:
      'Queues a report built by the worker; poll GET .../reports?token=… for its status. Levels ADVERTISER, CAMPAIGN, AD_GROUP, PIN_PROMOTION; report_format JSON (the synchronous analytics rows) or CSV. ' +
      'Up to 914 days back and 186 days per report (HOUR: 8 days back, 3 days per report). Dates are the ad account\'s local dates.',
    tag: 'ad_accounts',
    access: adAccount('analytics:read'),
    rate: 'write',
    params: adAccountIdParamSchema,
    body: asyncReportCreateSchema,
    response: asyncReportCreateResponseSchema,
  })
  create(@CurrentAdAccount() scope: AdAccountScope, @CurrentPrincipal() principal: Principal, @Body() body: AsyncReportCreate) {
    return this.asyncReports.create(scope, body, principal.userId);
  }

  @Get('ad_accounts/:ad_account_id/reports')
  @Route({
    summary: 'Get the account analytics report created by the async call',
    description: 'IN_PROGRESS until the worker has built it, then FINISHED with `url` (valid REPORTS_URL_TTL_SECONDS, default five minutes) and `size` in bytes; EXPIRED after REPORTS_FILE_TTL_SECONDS (default one hour).',
    tag: 'ad_accounts',
    access: adAccount('analytics:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    query: asyncReportQuerySchema,
    response: asyncReportGetResponseSchema,
  })
  status(@CurrentAdAccount() scope: AdAccountScope, @Query() query: { token: string }): Promise<AsyncReportGetResponse> {
    return this.asyncReports.status(scope, query.token);
  }

  @Get('report_files/:file_token')
  @Route({
    summary: 'Download an async report file',
    description: 'The signed URL of a FINISHED report; needs no other credentials. 404 once the link or the file has expired, or when the signature is not ours.',
    tag: 'reports',
    access: PUBLIC,
    rate: 'read',
    extension: true,
    params: reportFileParamSchema,
  })
  async download(@Param('file_token') fileToken: string, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.asyncReports.open(fileToken);
    const type = file.format === 'CSV' ? 'text/csv; charset=utf-8' : 'application/json';
    await reply
      .type(type)
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="loupe-report-${file.token}.${file.format === 'CSV' ? 'csv' : 'json'}"`)
      .send(file.stream);
  }
}
