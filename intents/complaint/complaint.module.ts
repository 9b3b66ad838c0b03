import { Module } from '@nestjs/common';
import { ComplaintIntent } from './complaint.intent';

@Module({ providers: [ComplaintIntent], exports: [ComplaintIntent] })
export class ComplaintModule {}
