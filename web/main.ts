import { initLanguage } from './i18n/index.js';
import './components/sb-app.js';

initLanguage();
