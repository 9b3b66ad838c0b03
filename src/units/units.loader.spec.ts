import { readFileSync } from 'node:fs';
import { fromRoot } from '../common/project-root';
import { parseUnitsFile } from './units.loader';

const minimal = (extra = '') => `
units:
  - id: unit-a
    kind: hospital
    name: { vi: Bệnh viện A, en: Hospital A }
    governingBody: { vi: SỞ Y TẾ, en: DEPARTMENT OF HEALTH }
    address: { vi: "Số 1 đường X", en: "1 X Street" }
    workingHours: { vi: TO_FILL, en: TO_FILL }
    website: https://a.example.gov.vn
    switchboard: "0258 123 456"
    hotlines:
      - label: { vi: Đường dây nóng, en: Hotline }
        phone: TO_FILL
    emergencyPhone: "0258.111.222"
    officeHours:
      mon: ["07:00-11:30", "13:30-17:00"]
    planItems:
      - id: vneid
        ref: { vi: mục 1, en: item 1 }
${extra}`;

describe('#parseUnitsFile', () => {
  it('should load the sample units file that ships with the repository', () => {
    const catalog = parseUnitsFile(readFileSync(fromRoot('units.yaml'), 'utf8'), 'units.yaml');
    expect(catalog.units.map((u) => u.id)).toEqual([
      'so-y-te-khanh-hoa',
      'bvdkkv-ninh-hoa',
      'cd-y-te-khanh-hoa',
      'ttyt-vinh-thanh',
    ]);
    expect(catalog.defaultUnitId).toBe('so-y-te-khanh-hoa');
    // Nothing the plans do not give is invented.
    expect(catalog.units.every((u) => u.address === null && u.emergencyPhone === null)).toBe(true);
  });

  it('should turn TO_FILL into null and list what is missing', () => {
    const unit = parseUnitsFile(minimal(), 'x.yaml').units[0];
    expect(unit.address).toEqual({ vi: 'Số 1 đường X', en: '1 X Street' });
    expect(unit.workingHours).toBeNull();
    expect(unit.hotlines).toEqual([]);
    expect(unit.missing).toEqual(expect.arrayContaining(['workingHours', 'hotlines']));
    expect(unit.officeHours?.[1]).toEqual([
      { start: 420, end: 690 },
      { start: 810, end: 1020 },
    ]);
  });

  it('should make the web chat a playground unless the unit says otherwise', () => {
    expect(parseUnitsFile(minimal(), 'x.yaml').units[0].webChat).toBe('playground');
    const shipped = parseUnitsFile(readFileSync(fromRoot('units.yaml'), 'utf8'), 'units.yaml');
    expect(shipped.units.every((u) => u.webChat === 'playground')).toBe(true);
    for (const mode of ['off', 'public'] as const) {
      const text = minimal().replace('kind: hospital', `kind: hospital\n    webChat: ${mode}`);
      expect(parseUnitsFile(text, 'x.yaml').units[0].webChat).toBe(mode);
    }
  });

  it('should load the shipped feedback-system labels whole (no text cut at a comma)', () => {
    const shipped = parseUnitsFile(readFileSync(fromRoot('units.yaml'), 'utf8'), 'units.yaml');
    const labels = shipped.units.flatMap((u) => u.feedbackChannels.map((c) => c.label.vi));
    expect(labels).toContain('Hệ thống phản ánh, kiến nghị tỉnh Khánh Hòa');
  });

  it('should reject a text an unquoted comma split inside { … }, naming the unit and the field', () => {
    const text = minimal(`    feedbackChannels:
      - label: { vi: Hệ thống phản ánh, kiến nghị tỉnh A, en: Feedback system }
        url: https://pakn.example.gov.vn/
`);
    expect(() => parseUnitsFile(text, 'x.yaml')).toThrow(
      /units\[0\]\.feedbackChannels\[0\]\.label: .*"kiến nghị tỉnh A".*comma.*quotes.*\(unit "unit-a"\)/,
    );
  });

  it('should reject a field the schema does not know, naming the unit', () => {
    const text = minimal().replace('kind: hospital', 'kind: hospital\n    hotline: "0258 1"');
    expect(() => parseUnitsFile(text, 'x.yaml')).toThrow(
      /units\[0\]\.hotline: .*not a field.*\(unit "unit-a"\)/,
    );
  });

  it('should read the report block, and leave what it does not give to be filled by hand', () => {
    const text = minimal(`    report:
      symbol: BVA
      place: Khánh Hòa
      recipients:
        - { vi: Sở Y tế (báo cáo), en: Department of Health (for reporting) }
        - { vi: "Lưu: VT, TCHC", en: "Archive: VT, TCHC" }
      signer:
        title: { vi: PHÓ GIÁM ĐỐC, en: DEPUTY DIRECTOR }
        onBehalfOf: { vi: GIÁM ĐỐC, en: DIRECTOR }
        name: Nguyễn Văn A
`);
    expect(parseUnitsFile(text, 'x.yaml').units[0].report).toEqual({
      symbol: 'BVA',
      place: 'Khánh Hòa',
      recipients: [
        { vi: 'Sở Y tế (báo cáo)', en: 'Department of Health (for reporting)' },
        { vi: 'Lưu: VT, TCHC', en: 'Archive: VT, TCHC' },
      ],
      signer: {
        title: { vi: 'PHÓ GIÁM ĐỐC', en: 'DEPUTY DIRECTOR' },
        onBehalfOf: { vi: 'GIÁM ĐỐC', en: 'DIRECTOR' },
        name: 'Nguyễn Văn A',
      },
    });
    expect(parseUnitsFile(minimal(), 'x.yaml').units[0].report).toEqual({
      symbol: null,
      place: null,
      recipients: [],
      signer: null,
    });
    const shipped = parseUnitsFile(readFileSync(fromRoot('units.yaml'), 'utf8'), 'units.yaml');
    expect(shipped.units.map((u) => [u.report.symbol, u.report.signer?.name ?? null])).toEqual([
      ['SYT', null],
      ['BVNH', null],
      ['CĐYT', null],
      ['TTVT', null],
    ]);
  });

  it('should reject an unknown field inside the report block, naming it and the unit', () => {
    const text = minimal(`    report:
      symbol: BVA
      signer:
        title: { vi: GIÁM ĐỐC, en: DIRECTOR }
        fullName: Nguyễn Văn A
`);
    expect(() => parseUnitsFile(text, 'x.yaml')).toThrow(
      /units\[0\]\.report\.signer\.fullName: "fullName" is not a field.*\(unit "unit-a"\)/,
    );
  });

  it('should reject a list where a text is expected (an unquoted [ … ])', () => {
    const text = minimal().replace(
      '{ vi: Bệnh viện A, en: Hospital A }',
      '{ vi: [Bệnh viện A, cơ sở 2], en: Hospital A }',
    );
    expect(() => parseUnitsFile(text, 'x.yaml')).toThrow(
      /units\[0\]\.name\.vi: vi must be a string.*\(unit "unit-a"\)/,
    );
  });

  it.each([
    ['not YAML: [', /not valid YAML/],
    [
      minimal().replace('kind: hospital', 'kind: hospital\n    webChat: on'),
      /units\[0\]\.webChat: webChat must be one of off, playground, public/,
    ],
    ['units: []', /units must list at least one unit/],
    [minimal().replace('id: unit-a', 'id: Unit A'), /units\[0\]\.id: id must be lower-case/],
    [
      minimal().replace('https://a.example.gov.vn', 'http://a.example.gov.vn'),
      /units\[0\]\.website: website must be an https/,
    ],
    [minimal().replace('"0258.111.222"', 'call us'), /units\[0\]\.emergencyPhone/],
    [minimal().replace('id: vneid', 'id: lottery'), /planItems\[0\]\.id/],
    [minimal().replace('"07:00-11:30"', '"7h-11h"'), /office hours are "HH:MM-HH:MM"/],
    ['defaultUnit: nope\n' + minimal(), /defaultUnit "nope" is not one of the units/],
    [
      minimal('    report: { symbol: "bc/x" }\n'),
      /units\[0\]\.report\.symbol: report\.symbol must be capital letters/,
    ],
  ])('should reject a bad file with one line naming the field (%#)', (text, message) => {
    expect(() => parseUnitsFile(text, 'x.yaml')).toThrow(message);
  });
});
