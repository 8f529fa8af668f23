import { runService } from '@tideline/service';
import { AppModule } from './app.module';

runService({ app: 'collector', module: AppModule });
