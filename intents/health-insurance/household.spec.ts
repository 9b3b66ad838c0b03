import { householdPremiums, loadFigures } from './figures';
import { householdQuote, parseHousehold, type Household } from './household';

describe('#parseHousehold', () => {
  const cases: [string, Partial<Household> | null][] = [
    ['nhà em 4 người, 1 bé 3 tuổi', { size: 4, under6: 1, payers: 3, insuredElsewhere: [] }],
    ['nha e 4 ng, 1 be 3t', { size: 4, under6: 1, payers: 3 }],
    [
      'nhà em có 5 nhân khẩu, mẹ em có lương hưu',
      { size: 5, under6: 0, payers: 4, insuredElsewhere: [{ reason: 'pension', count: 1 }] },
    ],
    ['2 vợ chồng và 2 con, 1 đứa 8 tuổi 1 đứa 2 tuổi', { size: 4, under6: 1, payers: 3, schoolAgePayers: 1 }],
    ['2 vo chong va 2 con, 1 dua 8 tuoi 1 dua 2 tuoi', { size: 4, under6: 1, payers: 3 }],
    [
      'bố mẹ em có lương hưu rồi, 2 vợ chồng em với bé 10 tháng tuổi',
      { size: 5, under6: 1, payers: 2, insuredElsewhere: [{ reason: 'pension', count: 2 }] },
    ],
    [
      'gia đình 4 người, chồng em có BHYT công ty, con lớn 9 tuổi có BHYT ở trường',
      {
        size: 4,
        payers: 2,
        insuredElsewhere: [
          { reason: 'work', count: 1 },
          { reason: 'school', count: 1 },
        ],
      },
    ],
    [
      'family of five, my mother has pension insurance',
      { size: 5, payers: 4, insuredElsewhere: [{ reason: 'pension', count: 1 }] },
    ],
    ['my wife and I and our 2 kids, one is a 4-year-old', { size: 4, under6: 1, payers: 3 }],
    [
      'we are 3, my husband is insured through his work',
      { size: 3, payers: 2, insuredElsewhere: [{ reason: 'work', count: 1 }] },
    ],
    ['hộ gia đình ba người thì đóng bao nhiêu', { size: 3, payers: 3 }],
    // No household described: the plain price table answers.
    ['mua bảo hiểm y tế cho cả nhà thì đóng bao nhiêu', null],
    ['how much does health insurance for my whole family cost', null],
    ['bhyt hộ gia đình năm nay đóng bao nhiêu', null],
  ];
  it.each(cases.filter((c) => c[1] !== null))('should read %p', (text, expected) => {
    expect(parseHousehold(text)).toMatchObject(expected!);
  });

  it.each(cases.filter((c) => c[1] === null).map((c) => c[0]))('should find no household in %p', (text) => {
    expect(parseHousehold(text)).toBeNull();
  });
});

describe('#householdQuote', () => {
  const premiums = householdPremiums(loadFigures());

  it('should add the ladder of figures.yaml member by member (domain-facts.md H10)', () => {
    expect(householdQuote(3, premiums)).toEqual({ perPerson: [1366200, 956340, 819720], total: 3142260 });
    expect(householdQuote(6, premiums).perPerson.slice(4)).toEqual([546480, 546480]);
    expect(householdQuote(0, premiums)).toEqual({ perPerson: [], total: 0 });
  });
});
