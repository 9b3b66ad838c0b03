import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { UnitDetailsVersionEntity } from './unit-details-version.entity';

@Injectable()
export class UnitDetailsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The newest version of every unit that has one. */
  async latest(): Promise<UnitDetailsVersionEntity[]> {
    return this.db.manager
      .getRepository(UnitDetailsVersionEntity)
      .createQueryBuilder('v')
      .where(
        'v.version = (SELECT MAX(w."version") FROM "unit_details_version" w WHERE w."unitId" = v."unitId")',
      )
      .getMany();
  }

  /** The highest row id: another instance's save moves it. */
  async lastId(): Promise<number> {
    const rows = await this.db.manager.query<{ id: number | string | null }[]>(
      'SELECT MAX("id") AS "id" FROM "unit_details_version"',
    );
    return Number(rows[0]?.id ?? 0);
  }

  history(unitId: string, limit = 50): Promise<UnitDetailsVersionEntity[]> {
    return this.db.manager.getRepository(UnitDetailsVersionEntity).find({
      where: { unitId },
      order: { version: 'DESC' },
      take: limit,
    });
  }

  /** Fails on the unique (unit, version) index when another save took the number first. */
  insert(row: Omit<UnitDetailsVersionEntity, 'id'>): Promise<UnitDetailsVersionEntity> {
    return this.db.manager
      .getRepository(UnitDetailsVersionEntity)
      .save(Object.assign(new UnitDetailsVersionEntity(), row));
  }
}
