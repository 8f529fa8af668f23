import { runService } from '@tideline/service';
import { AppModule } from './app.module';

runService({ app: 'reporter', module: AppModule });
