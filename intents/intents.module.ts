import { Module } from '@nestjs/common';
import { INTENTS, type Intent } from '../src/messaging';
import { ComplaintIntent } from './complaint/complaint.intent';
import { ComplaintModule } from './complaint/complaint.module';
import { EmergencyIntent } from './emergency/emergency.intent';
import { EmergencyModule } from './emergency/emergency.module';
import { FallbackIntent } from './fallback/fallback.intent';
import { FallbackModule } from './fallback/fallback.module';
import { GreetingIntent } from './greeting/greeting.intent';
import { GreetingModule } from './greeting/greeting.module';
import { HealthInsuranceIntent } from './health-insurance/health-insurance.intent';
import { HealthInsuranceModule } from './health-insurance/health-insurance.module';
import { HumanIntent } from './human/human.intent';
import { HumanModule } from './human/human.module';
import { LanguageIntent } from './language/language.intent';
import { LanguageModule } from './language/language.module';
import { PrivacyIntent } from './privacy/privacy.intent';
import { PrivacyModule } from './privacy/privacy.module';
import { PublicServicesIntent } from './public-services/public-services.intent';
import { PublicServicesModule } from './public-services/public-services.module';
import { SatisfactionIntent } from './satisfaction/satisfaction.intent';
import { SatisfactionModule } from './satisfaction/satisfaction.module';
import { SubscriptionIntent } from './subscription/subscription.intent';
import { SubscriptionModule } from './subscription/subscription.module';
import { UnitInfoIntent } from './unit-info/unit-info.intent';
import { UnitInfoModule } from './unit-info/unit-info.module';
import { VneidIntent } from './vneid/vneid.intent';
import { VneidModule } from './vneid/vneid.module';

/** The intents list: to add an intent, add its module and its handler class here. */
const REGISTERED = [
  [VneidModule, VneidIntent],
  [PublicServicesModule, PublicServicesIntent],
  [HealthInsuranceModule, HealthInsuranceIntent],
  [ComplaintModule, ComplaintIntent],
  [UnitInfoModule, UnitInfoIntent],
  [EmergencyModule, EmergencyIntent],
  [GreetingModule, GreetingIntent],
  [HumanModule, HumanIntent],
  [LanguageModule, LanguageIntent],
  [FallbackModule, FallbackIntent],
  [PrivacyModule, PrivacyIntent],
  [SatisfactionModule, SatisfactionIntent],
  [SubscriptionModule, SubscriptionIntent],
] as const;

@Module({
  imports: REGISTERED.map(([module]) => module),
  providers: [
    {
      provide: INTENTS,
      useFactory: (...intents: Intent[]) => intents,
      inject: REGISTERED.map(([, intent]) => intent),
    },
  ],
  exports: [INTENTS],
})
export class IntentsModule {}
