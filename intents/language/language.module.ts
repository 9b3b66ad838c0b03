import { Module } from '@nestjs/common';
import { LanguageIntent } from './language.intent';

@Module({ providers: [LanguageIntent], exports: [LanguageIntent] })
export class LanguageModule {}
