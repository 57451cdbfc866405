import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DEFAULT_PROMOTED_PINS_BOARD, type AdAccountRole, type Page, type Pin, type PinCreateBody, type PinListQuery } from '@loupe/contracts';
import { NotFoundException, PermissionDeniedException } from '@loupe/server-core';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { roleAllows } from '../auth/permissions';
import type { Actor } from '../auth/request-context';
import { decodeBookmark, toPage } from '../common/pagination';

/** A pin as the ads domain needs it: its owner and the content the ad review looks at. */
export interface PinContent {
  id: string;
  business_id: string;
  title: string | null;
  description: string | null;
  alt_text: string | null;
  link: string | null;
  image_url: string;
}

interface PinRow extends PinContent {
  board_id: string;
  board_owner_username: string;
  dominant_color: string | null;
  has_been_promoted: boolean;
  created_at: Date;
}

const PIN_NOT_FOUND = 'Pin not found.';

/** Pins with what Pinterest's `Pin` shows about their board and promotion. */
const PIN_SELECT = `
  SELECT p.id, p.business_id, p.board_id, p.title, p.description, p.link, p.alt_text, p.dominant_color,
         p.image_url, p.created_at, u.username AS board_owner_username,
         EXISTS (SELECT 1 FROM ads a WHERE a.pin_id = p.id) AS has_been_promoted
    FROM pins p
    JOIN boards b ON b.id = p.board_id
    JOIN users u ON u.id = b.owner_user_id`;

function toPin(row: PinRow, viewerBusinessId: string): Pin {
  // Loupe neither fetches nor resizes images: every size Pinterest names points at the original.
  const image = { url: row.image_url, width: null, height: null };
  return {
    id: row.id,
    created_at: row.created_at.toISOString(),
    link: row.link,
    title: row.title,
    description: row.description,
    alt_text: row.alt_text,
    dominant_color: row.dominant_color,
    board_id: row.board_id,
    board_section_id: null,
    board_owner: { username: row.board_owner_username },
    parent_pin_id: null,
    is_owner: row.business_id === viewerBusinessId,
    is_standard: true,
    has_been_promoted: row.has_been_promoted,
    creative_type: 'REGULAR',
    media: { media_type: 'image', images: { '150x150': image, '400x300': image, '600x': image, '1200x': image } },
    pin_metrics: null,
  };
}

/**
 * Pins belong to a business: they are the creative library every ad account of that
 * business promotes from. Who may see a pin: the users of its business, and the members
 * (any role) of an ad account of that business — e.g. an agency managing the account.
 * Anyone else gets "Pin not found." (its existence is not revealed). With
 * `ad_account_id` (Pinterest's Business Access), the caller acts for that ad account's
 * business instead of their own.
 */
@Injectable()
export class PinsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, body: PinCreateBody, adAccountId: string | undefined): Promise<Pin> {
    return this.dataSource.transaction(async (tx) => {
      const own = await this.ownBusiness(tx, actor.userId);
      let businessId = own;
      if (adAccountId !== undefined) {
        const account = await this.accountOf(tx, actor.userId, adAccountId);
        // Creating content for a business is campaign work: the same roles that may create ads.
        if (!roleAllows(account.role, 'campaigns:write')) {
          throw new PermissionDeniedException(
            `Your role on ad account ${adAccountId} (${account.role}) does not allow creating pins for it (campaigns:write).`,
          );
        }
        businessId = account.business_id;
      }
      const boardId = body.board_id ?? (await this.defaultBoard(tx, businessId, actor.userId));
      const [board] = await tx.query<{ id: string }[]>(`SELECT id FROM boards WHERE id = $1 AND business_id = $2`, [boardId, businessId]);
      if (!board) {
        throw new NotFoundException(
          `Board not found. board_id ${boardId} is not a board of this business; omit board_id to use the "${DEFAULT_PROMOTED_PINS_BOARD}" board.`,
        );
      }
      const [row] = await tx.query<{ id: string }[]>(
        `INSERT INTO pins (business_id, board_id, created_by, title, description, link, alt_text, dominant_color, image_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [businessId, boardId, actor.userId, body.title, body.description, body.link ?? null, body.alt_text, body.dominant_color ?? null, body.media_source.url],
      );
      const id = row!.id;
      await this.audit.record(tx, actor, {
        // A pin is a business's object; it is logged on the ad account it was created for, if any.
        adAccountId: adAccountId ?? null,
        objectType: 'PIN',
        objectId: id,
        action: 'CREATE',
        newValues: {
          business_id: businessId,
          board_id: boardId,
          title: body.title,
          description: body.description,
          link: body.link ?? null,
          alt_text: body.alt_text,
          dominant_color: body.dominant_color ?? null,
          image_url: body.media_source.url,
        },
      });
      return this.get(actor.userId, id, adAccountId, tx);
    });
  }

  async get(userId: string, pinId: string, adAccountId: string | undefined, manager: EntityManager = this.dataSource.manager): Promise<Pin> {
    const own = await this.ownBusiness(manager, userId);
    let params: unknown[] = [pinId, userId];
    let visible: string;
    if (adAccountId !== undefined) {
      const account = await this.accountOf(manager, userId, adAccountId);
      params = [pinId, account.business_id];
      visible = `p.business_id = $2`;
    } else {
      params.push(own);
      visible = `(p.business_id = $3
                  OR EXISTS (SELECT 1 FROM ad_account_members m JOIN ad_accounts aa ON aa.id = m.ad_account_id
                              WHERE m.user_id = $2 AND aa.business_id = p.business_id))`;
    }
    const [row] = await manager.query<PinRow[]>(`${PIN_SELECT} WHERE p.id = $1 AND ${visible}`, params);
    if (!row) throw new NotFoundException(PIN_NOT_FOUND);
    return toPin(row, own);
  }

  /** The pins of the caller's business (or of `ad_account_id`'s business), newest first. */
  async list(userId: string, query: PinListQuery): Promise<Page<Pin>> {
    const own = await this.ownBusiness(this.dataSource.manager, userId);
    const businessId =
      query.ad_account_id !== undefined ? (await this.accountOf(this.dataSource.manager, userId, query.ad_account_id)).business_id : own;
    const params: unknown[] = [businessId];
    let after = '';
    const bookmark = decodeBookmark(query.bookmark);
    if (bookmark !== undefined) {
      params.push(bookmark);
      after = `AND p.id < $${params.length}`;
    }
    params.push(query.page_size + 1);
    const rows = await this.dataSource.query<PinRow[]>(
      `${PIN_SELECT} WHERE p.business_id = $1 ${after} ORDER BY p.id DESC LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, query.page_size, (row) => toPin(row, own));
  }

  /**
   * For the ads domain: the pin if it exists and belongs to `businessId` (the business
   * of the ad account promoting it), else "Pin not found.".
   */
  async findForBusiness(manager: EntityManager, pinId: string, businessId: string): Promise<PinContent> {
    const [row] = await manager.query<PinContent[]>(
      `SELECT id, business_id, title, description, alt_text, link, image_url FROM pins WHERE id = $1 AND business_id = $2`,
      [pinId, businessId],
    );
    if (!row) throw new NotFoundException(`${PIN_NOT_FOUND} pin_id ${pinId} is not a pin of this ad account's business; create it with POST /v5/pins.`);
    return row;
  }

  private async ownBusiness(manager: EntityManager, userId: string): Promise<string> {
    const [user] = await manager.query<{ business_id: string }[]>(`SELECT business_id FROM users WHERE id = $1`, [userId]);
    if (!user) throw new NotFoundException('User not found.');
    return user.business_id;
  }

  /** The caller's role on an ad account and its business; no role means "not found", as on every tenant route. */
  private async accountOf(manager: EntityManager, userId: string, adAccountId: string): Promise<{ role: AdAccountRole; business_id: string }> {
    const [account] = await manager.query<{ role: AdAccountRole; business_id: string }[]>(
      `SELECT m.role, a.business_id FROM ad_accounts a JOIN ad_account_members m ON m.ad_account_id = a.id AND m.user_id = $2 WHERE a.id = $1`,
      [adAccountId, userId],
    );
    if (!account) throw new NotFoundException('Ad account not found.');
    return account;
  }

  /** The business's "Promoted pins" board, created on first use (the unique index settles races). */
  private async defaultBoard(manager: EntityManager, businessId: string, userId: string): Promise<string> {
    await manager.query(
      `INSERT INTO boards (business_id, owner_user_id, name) VALUES ($1, $2, $3) ON CONFLICT (business_id, lower(name)) DO NOTHING`,
      [businessId, userId, DEFAULT_PROMOTED_PINS_BOARD],
    );
    const [board] = await manager.query<{ id: string }[]>(`SELECT id FROM boards WHERE business_id = $1 AND lower(name) = lower($2)`, [
      businessId,
      DEFAULT_PROMOTED_PINS_BOARD,
    ]);
    return board!.id;
  }
}
