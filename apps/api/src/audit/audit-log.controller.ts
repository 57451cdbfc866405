import { Controller, Get, Query } from '@nestjs/common';
import { adAccountIdParamSchema, auditLogPageSchema, auditLogQuerySchema, type AuditLogEntry, type AuditLogQuery, type Page } from '@loupe/contracts';
import { CurrentAdAccount, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { AuditLogService } from './audit-log.service';

@Controller('v5/ad_accounts/:ad_account_id/audit_log')
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @Route({
    summary: 'List the audit log of an ad account',
    description:
      'Loupe extension. Every change to the account, its campaigns, ad groups, ads and members, newest first: who made it, when, and the values before and after (for updates, only the fields that changed). Filters are ANDed; `start_time`/`end_time` are unix seconds, both inclusive.',
    tag: 'audit_log',
    access: adAccount('audit:read'),
    rate: 'read',
    extension: true,
    params: adAccountIdParamSchema,
    query: auditLogQuerySchema,
    response: auditLogPageSchema,
  })
  list(@CurrentAdAccount() scope: AdAccountScope, @Query() query: AuditLogQuery): Promise<Page<AuditLogEntry>> {
    return this.auditLog.list(scope.id, query);
  }
}
