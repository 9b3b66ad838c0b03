import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  Min,
  IsOptional,
  IsString,
  Matches,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PLAN_ITEMS } from '../messaging/plan-item';
import { WEB_CHAT_MODES } from './unit';

/**
 * The units file: one entry per đơn vị. A value the unit has not given yet is written TO_FILL;
 * the loader turns it into null and the bot then says that it does not know, never guesses.
 */
export const TO_FILL = 'TO_FILL';

export class LocalizedText {
  @IsString() @MinLength(1) vi: string;
  @IsString() @MinLength(1) en: string;
}

class PhoneEntry {
  @ValidateNested() @Type(() => LocalizedText) label: LocalizedText;
  @IsString()
  @Matches(/^(TO_FILL|\+?[0-9][0-9 .]{2,18})$/, {
    message: 'phone must be digits (spaces and dots allowed) or TO_FILL',
  })
  phone: string;
}

class DepartmentEntry {
  @ValidateNested() @Type(() => LocalizedText) name: LocalizedText;
  @IsOptional() @ValidateNested() @Type(() => LocalizedText) location?: LocalizedText;
  @IsOptional() @IsString() phone?: string;
}

class PlanItemRef {
  @IsIn(PLAN_ITEMS, { message: `planItems[].id must be one of ${PLAN_ITEMS.join(', ')}` })
  id: string;
  /** Where the item stands in the unit's own plan, for report tables. */
  @ValidateNested() @Type(() => LocalizedText) ref: LocalizedText;
}

const SLOT = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;

export class WeeklySchedule {
  @IsOptional()
  @IsArray()
  @Matches(SLOT, { each: true, message: 'office hours are "HH:MM-HH:MM"' })
  mon?: string[];
  @IsOptional()
  @IsArray()
  @Matches(SLOT, { each: true, message: 'office hours are "HH:MM-HH:MM"' })
  tue?: string[];
  @IsOptional()
  @IsArray()
  @Matches(SLOT, { each: true, message: 'office hours are "HH:MM-HH:MM"' })
  wed?: string[];
  @IsOptional()
  @IsArray()
  @Matches(SLOT, { each: true, message: 'office hours are "HH:MM-HH:MM"' })
  thu?: string[];
  @IsOptional()
  @IsArray()
  @Matches(SLOT, { each: true, message: 'office hours are "HH:MM-HH:MM"' })
  fri?: string[];
  @IsOptional()
  @IsArray()
  @Matches(SLOT, { each: true, message: 'office hours are "HH:MM-HH:MM"' })
  sat?: string[];
  @IsOptional()
  @IsArray()
  @Matches(SLOT, { each: true, message: 'office hours are "HH:MM-HH:MM"' })
  sun?: string[];
}

class MessengerUnitConfig {
  @IsString() pageId: string;
  /** Names of environment variables holding the secrets; secrets never sit in this file. */
  @IsString() @Matches(/^[A-Z][A-Z0-9_]*$/) appSecretEnv: string;
  @IsString() @Matches(/^[A-Z][A-Z0-9_]*$/) pageAccessTokenEnv: string;
  @IsString() @Matches(/^[A-Z][A-Z0-9_]*$/) verifyTokenEnv: string;
  @IsOptional() @IsBoolean() humanAgentTag?: boolean;
}

class ZaloUnitConfig {
  @IsString() oaId: string;
  @IsString() appId: string;
  @IsString() @Matches(/^[A-Z][A-Z0-9_]*$/) appSecretEnv: string;
  @IsString() @Matches(/^[A-Z][A-Z0-9_]*$/) oaSecretKeyEnv: string;
  @IsString() @Matches(/^[A-Z][A-Z0-9_]*$/) accessTokenEnv: string;
  @IsString() @Matches(/^[A-Z][A-Z0-9_]*$/) refreshTokenEnv: string;
  /**
   * Promotion messages (tin truyền thông) the OA's package allows per calendar month; absent or 0:
   * campaigns reach Zalo users only inside the 7-day consultation window.
   */
  @IsOptional() @IsInt() @Min(0) promotionQuota?: number;
}

class LinkEntry {
  @ValidateNested() @Type(() => LocalizedText) label: LocalizedText;
  @IsString()
  @Matches(/^(TO_FILL|https:\/\/[^\s]+)$/, { message: 'url must be an https:// address or TO_FILL' })
  url: string;
}

/** Who signs the unit's period report (Decree 30/2020/NĐ-CP, signature block). */
class ReportSigner {
  /** The signer's own title, e.g. GIÁM ĐỐC, or PHÓ GIÁM ĐỐC when signing on behalf of the head. */
  @ValidateNested() @Type(() => LocalizedText) title: LocalizedText;
  /** The head's title when the signer signs on his behalf: the block then reads "KT. <onBehalfOf>". */
  @IsOptional() @ValidateNested() @Type(() => LocalizedText) onBehalfOf?: LocalizedText;
  @IsOptional() @IsString() @MinLength(2) name?: string;
}

/** What the period report's DOCX needs to be signed as an administrative document; each part optional. */
class ReportSettings {
  /** The unit's abbreviation in the number line: "Số: …/BC-<symbol>" (e.g. SYT, BVNH). */
  @IsOptional()
  @IsString()
  @Matches(/^(TO_FILL|[\p{Lu}0-9][\p{Lu}0-9-]{0,19})$/u, {
    message: 'report.symbol must be capital letters, digits and dashes (e.g. SYT, CĐYT) or TO_FILL',
  })
  symbol?: string;
  /** The place in the date line: "<place>, ngày … tháng … năm …". */
  @IsOptional() @IsString() @MinLength(2) place?: string;
  /** "Nơi nhận:", one entry a line, in order (the last is usually "Lưu: VT, …"). */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LocalizedText)
  recipients?: LocalizedText[];
  @IsOptional() @ValidateNested() @Type(() => ReportSigner) signer?: ReportSigner;
}

/** The unit's own propaganda plan of the year (kế hoạch tuyên truyền CCHC): its number and date. */
class PlanDocument {
  @IsString()
  @Matches(/^(TO_FILL|[0-9]{1,6}\/[\p{L}0-9.-]{2,40})$/u, {
    message: "plan.number is the plan's number and symbol, e.g. 123/KH-SYT, or TO_FILL",
  })
  number: string;
  @IsString()
  @Matches(/^(TO_FILL|\d{4}-\d{2}-\d{2})$/, { message: 'plan.date is a date yyyy-mm-dd, or TO_FILL' })
  date: string;
}

export class UnitEntry {
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'id must be lower-case letters, digits and dashes' })
  id: string;

  @IsIn(['department', 'hospital', 'health_centre', 'college'])
  kind: string;

  @ValidateNested() @Type(() => LocalizedText) name: LocalizedText;
  /** Other ways citizens name the unit ("BV Ninh Hòa", "CĐYT Khánh Hòa"), beside its names in vi and en. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MinLength(2, { each: true })
  aliases?: string[];
  /** Header line of reports: the body the unit answers to. */
  @ValidateNested() @Type(() => LocalizedText) governingBody: LocalizedText;
  @ValidateNested() @Type(() => LocalizedText) address: LocalizedText;
  @ValidateNested() @Type(() => LocalizedText) workingHours: LocalizedText;
  @IsOptional() @ValidateNested() @Type(() => LocalizedText) visitingHours?: LocalizedText;
  @IsOptional() @ValidateNested() @Type(() => LocalizedText) booking?: LocalizedText;

  @IsString()
  @Matches(/^(TO_FILL|https:\/\/[^\s]+)$/, { message: 'website must be an https:// address or TO_FILL' })
  website: string;

  @IsOptional()
  @IsString()
  @Matches(/^(TO_FILL|https:\/\/[^\s]+)$/, { message: 'privacyPolicyUrl must be https:// or TO_FILL' })
  privacyPolicyUrl?: string;

  @IsString()
  @Matches(/^(TO_FILL|\+?[0-9][0-9 .]{2,18})$/, { message: 'switchboard must be digits or TO_FILL' })
  switchboard: string;

  @IsArray() @ValidateNested({ each: true }) @Type(() => PhoneEntry) hotlines: PhoneEntry[];

  @IsString()
  @Matches(/^(TO_FILL|\+?[0-9][0-9 .]{2,18})$/, { message: 'emergencyPhone must be digits or TO_FILL' })
  emergencyPhone: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DepartmentEntry)
  departments?: DepartmentEntry[];

  /** The hotline of the Department of Health the unit answers to (complaints go up to it). */
  @IsOptional() @ValidateNested() @Type(() => PhoneEntry) departmentHotline?: PhoneEntry;

  /** Provincial feedback systems citizens may use (from the unit's plan; check after the 2025 merger). */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LinkEntry)
  feedbackChannels?: LinkEntry[];

  /** Where and when the emergency department receives patients (hospitals, health centres). */
  @IsOptional() @ValidateNested() @Type(() => LocalizedText) emergencyInfo?: LocalizedText;

  /** How long conversation records are kept, as stated in the privacy notice (e.g. "24 tháng" / "24 months"). */
  @IsOptional() @ValidateNested() @Type(() => LocalizedText) retention?: LocalizedText;

  /** Weekly office hours in local time (Asia/Ho_Chi_Minh); TO_FILL = unknown. */
  @IsOptional() @ValidateNested() @Type(() => WeeklySchedule) officeHours?: WeeklySchedule;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PlanItemRef)
  planItems: PlanItemRef[];

  @IsOptional() @ValidateNested() @Type(() => PlanDocument) plan?: PlanDocument;

  /** The unit's own days off (yyyy-mm-dd), beside the file's public holidays. */
  @IsOptional()
  @IsArray()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'holidays are yyyy-mm-dd dates' })
  holidays?: string[];

  @IsOptional() @ValidateNested() @Type(() => MessengerUnitConfig) messenger?: MessengerUnitConfig;
  @IsOptional() @ValidateNested() @Type(() => ZaloUnitConfig) zalo?: ZaloUnitConfig;

  /** Department of Health accounts can be given every unit in the console. */
  @IsOptional() @IsBoolean() oversight?: boolean;

  /** The built-in web chat: off, playground (answers, never counted in reports) or public (counted). */
  @IsOptional()
  @IsIn(WEB_CHAT_MODES, { message: `webChat must be one of ${WEB_CHAT_MODES.join(', ')}` })
  webChat?: string;

  /** The number line, place, recipients and signer of the period report (dotted lines where not given). */
  @IsOptional() @ValidateNested() @Type(() => ReportSettings) report?: ReportSettings;
}

export class UnitsFile {
  @IsOptional() @IsString() defaultUnit?: string;
  /** Public holidays (yyyy-mm-dd, local dates) when staff are off. */
  @IsOptional()
  @IsArray()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'holidays are yyyy-mm-dd dates' })
  holidays?: string[];
  @IsArray()
  @ArrayMinSize(1, { message: 'units must list at least one unit' })
  @ValidateNested({ each: true })
  @Type(() => UnitEntry)
  units: UnitEntry[];
}
