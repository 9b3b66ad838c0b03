import { householdPremiums, loadFigures, money, studentPremium } from './figures';

describe('health-insurance figures', () => {
  it('should give the worked amounts of domain-facts.md H10 and H11 at the 2,530,000 base salary', () => {
    const f = loadFigures();
    expect(f.baseSalary.value).toBe(2530000);
    expect(householdPremiums(f)).toEqual([1366200, 956340, 819720, 683100, 546480]);
    expect(studentPremium(f)).toBe(683100);
  });

  it('should write amounts the way each language does', () => {
    expect(money(1366200, 'vi')).toBe('1.366.200 đồng');
    expect(money(1366200, 'en')).toBe('1,366,200 VND');
  });
});
