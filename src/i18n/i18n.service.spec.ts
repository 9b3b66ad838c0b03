import type { UnitView } from '../messaging/intent';
import { I18nService } from './i18n.service';

const unit = (name: string): UnitView =>
  ({
    id: 'u',
    name,
    governingBody: 'Sở Y tế',
    address: null,
    workingHours: null,
    visitingHours: null,
    website: null,
    hotlines: [],
    switchboard: null,
    emergencyPhone: null,
    privacyPolicyUrl: null,
    staffBackAt: null,
  }) as unknown as UnitView;

describe(I18nService.name, () => {
  const i18n = new I18nService();
  const resolved = { key: 'campaign:ticket_resolved', params: { code: 'PA-0001' } };

  it('should render the same text again from its memo, and a new one for other parameters or unit details', () => {
    const a = i18n.t('vi', resolved, unit('Bệnh viện A'));
    expect(a).toBe('Dạ, phản ánh mã PA-0001 của anh/chị đã được Bệnh viện A xử lý xong.');
    expect(i18n.t('vi', resolved, unit('Bệnh viện A'))).toBe(a);
    expect(i18n.t('vi', { ...resolved, params: { code: 'PA-0002' } }, unit('Bệnh viện A'))).toContain(
      'PA-0002',
    );
    expect(i18n.t('vi', resolved, unit('Bệnh viện B'))).toContain('Bệnh viện B');
    expect(i18n.t('en', resolved, unit('Hospital A'))).toMatch(/PA-0001.*Hospital A|Hospital A.*PA-0001/);
  });

  it('should not let one parameter value pass for another set of parameters', () => {
    const sneaky = { key: 'campaign:ticket_resolved', params: { code: 'X","unit":"Y' } };
    expect(i18n.t('vi', sneaky, unit('A'))).toContain('X","unit":"Y');
    expect(i18n.t('vi', { ...sneaky, params: { code: 'X' } }, unit('A'))).not.toContain('"unit"');
  });

  it('should still refuse a missing text or parameter, memo or not', () => {
    expect(() => i18n.t('vi', { key: 'campaign:no_such_text' }, unit('A'))).toThrow(/missing text/);
    expect(() => i18n.t('vi', { key: 'campaign:ticket_resolved' }, unit('A'))).toThrow(/missing {{code}}/);
    expect(() => i18n.t('vi', { key: 'campaign:ticket_resolved' }, unit('A'))).toThrow(/missing {{code}}/);
  });
});
