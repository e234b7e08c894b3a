import { render } from 'preact';
import './i18n/index.ts';
import './styles.css';
import { App } from './app/App.tsx';

render(<App />, document.getElementById('app')!);
