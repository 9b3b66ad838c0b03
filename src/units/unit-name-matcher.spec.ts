import { readFileSync } from 'node:fs';
import { fromRoot } from '../common/project-root';
import { fold } from '../common/fold';
import { UnitNameMatcher } from './unit-name-matcher';
import { parseUnitsFile } from './units.loader';

const shipped = parseUnitsFile(readFileSync(fromRoot('units.yaml'), 'utf8'), 'units.yaml').units;
const DEPARTMENT = 'so-y-te-khanh-hoa';
const HOSPITAL = 'bvdkkv-ninh-hoa';

describe(UnitNameMatcher.name, () => {
  const matcher = new UnitNameMatcher(shipped);
  const named = (text: string, page = DEPARTMENT) => {
    const found = matcher.match(text, page);
    return found === null ? null : found.kind === 'unit' ? found.unit.id : 'unknown';
  };

  it.each([
    // The file's own units, however they are said.
    ['Bệnh viện Đa khoa khu vực Ninh Hòa ở đâu vậy', HOSPITAL],
    ['bệnh viện ninh hòa mấy giờ mở cửa', HOSPITAL],
    ['benh vien da khoa ninh hoa o dau', HOSPITAL],
    ['BV Ninh Hoà có khoa nhi không', HOSPITAL],
    ['bvdkkv ninh hoa sdt bn ad', HOSPITAL],
    ['where is Ninh Hoa hospital', HOSPITAL],
    ['số điện thoại trung tâm y tế Vĩnh Thạnh', 'ttyt-vinh-thanh'],
    ['ttyt vinh thanh lam viec thu 7 ko', 'ttyt-vinh-thanh'],
    ['trường cao đẳng y tế ở đâu', 'cd-y-te-khanh-hoa'],
    ['CĐYT Khánh Hòa địa chỉ', 'cd-y-te-khanh-hoa'],
    ['what are the hours of the Vinh Thanh health centre', 'ttyt-vinh-thanh'],
    // A facility that is named but is not in the file: never another unit's details.
    ['bệnh viện đa khoa tỉnh ở đâu', 'unknown'],
    ['BV tỉnh mấy giờ làm việc', 'unknown'],
    ['bv tinh o dau vay ad', 'unknown'],
    ['trung tâm y tế Ninh Hòa ở đâu', 'unknown'],
    ['bệnh viện đa khoa tỉnh Khánh Hòa số điện thoại', 'unknown'],
    ['where is the provincial hospital', 'unknown'],
    ['sở y tế gia lai ở đâu', 'unknown'],
    ['trạm y tế phường mấy giờ mở cửa', 'unknown'],
    ['Bệnh viện Hoàn Mỹ ở đâu vậy', 'unknown'],
    ['cho hỏi bệnh viện Chợ Rẫy số điện thoại', 'unknown'],
    // No facility named, or the page's own unit: the page's details.
    ['bệnh viện ở đâu', null],
    ['Bệnh Viện Có Khoa Nhi Không', null],
    ['BỆNH VIỆN Ở ĐÂU', null],
    ['bệnh viện có khoa mắt không', null],
    ['địa chỉ ở đâu vậy', null],
    ['what are your opening hours', null],
    ['sở y tế ở đâu', null],
    ['Sở Y tế tỉnh Khánh Hòa làm việc mấy giờ', null],
  ])('should tell which unit %p names on the Department page', (text, expected) => {
    expect(named(text)).toBe(expected);
  });

  it('should answer for the page itself when its own unit is named, and name the Department from a hospital page', () => {
    expect(named('bệnh viện ninh hòa ở đâu', HOSPITAL)).toBeNull();
    expect(named('bệnh viện ở đâu', HOSPITAL)).toBeNull();
    expect(named('sở y tế ở đâu', HOSPITAL)).toBe(DEPARTMENT);
  });

  it('should take its names from the units file only (aliases included)', () => {
    const units = [
      {
        ...shipped[1],
        id: 'bv-a',
        name: { vi: 'Bệnh viện Đa khoa Hòn Khói', en: 'Hon Khoi General Hospital' },
        aliases: [],
      },
      {
        ...shipped[1],
        id: 'bv-b',
        name: { vi: 'Bệnh viện X', en: 'Hospital X' },
        aliases: ['Nhà thương Cam Lâm'],
      },
    ];
    const other = new UnitNameMatcher(units);
    expect(other.match('bệnh viện hòn khói ở đâu', 'none')).toEqual({ kind: 'unit', unit: units[0] });
    expect(other.match('nha thuong cam lam so dien thoai', 'none')).toEqual({ kind: 'unit', unit: units[1] });
    // Places come from the file too (names, governing bodies); a place it never mentions is not known.
    expect(other.match('bệnh viện khánh hòa ở đâu', 'none')).toEqual({ kind: 'unknown' });
    expect(other.match('bệnh viện ninh hòa ở đâu', 'none')).toBeNull();
  });
});

describe('#fold', () => {
  it('should drop diacritics, đ and punctuation', () => {
    expect(fold('BVĐKKV Ninh Hoà, Khánh Hòa!')).toBe('bvdkkv ninh hoa khanh hoa');
  });
});
