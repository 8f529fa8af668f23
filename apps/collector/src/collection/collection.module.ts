import { Module } from '@nestjs/common';
import { KafkaConnectionModule } from '@tideline/service';
import { CollectionService } from './collection.service';

/** Host metric collection: the collector service's one feature. */
@Module({
  imports: [KafkaConnectionModule],
  providers: [CollectionService],
})
export class CollectionModule {}
